/**
 * The variables that send an agent's HTTP(S) traffic through the egress proxy; both
 * spellings, since curl, Node, Go and Rust clients each read a different one.
 */
export function proxyEnv(url: string): Record<string, string> {
  return {
    HTTPS_PROXY: url,
    HTTP_PROXY: url,
    ALL_PROXY: url,
    https_proxy: url,
    http_proxy: url,
    all_proxy: url,
    NO_PROXY: "",
    no_proxy: "",
  };
}

/**
 * Replaces `{{name}}` template variables. Unknown names are left as they are (the config schema
 * rejects them up front); empty sections collapse so prompts have no runs of blank lines.
 */
export function render(template: string, values: Readonly<Record<string, string>>): string {
  const filled = template.replace(
    /\{\{\s*([a-z_]+)\s*\}\}/g,
    (whole, name: string) => values[name] ?? whole,
  );
  return filled.replace(/\n{3,}/g, "\n\n").trim() + "\n";
}

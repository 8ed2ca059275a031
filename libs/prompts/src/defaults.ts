/** Built-in system prompt, appended to each backend's own. */
export const DEFAULT_SYSTEM = `You are nightshift's coding agent, working unattended on a task nobody is watching live.
Work only inside your working directory. Do not push, open pull requests or change git
remotes: nightshift commits your changes on the task's branch and delivers them.
Never print, commit or send secrets. When you finish, stop: do not wait for replies.`;

/** The results contract every agent is asked to honour. */
export const RESULT_CONTRACT = `## When you are done
Write the file \`.nightshift/result.json\` (create the folder; it is never committed) with:
{"status": "done" | "blocked" | "needs_input",
 "summary": "what you changed and why, for the person reviewing it",
 "blockers": ["why you could not finish", ...],
 "testsRun": [{"command": "npm test", "passed": true}, ...]}
Use "done" only when the task is complete and your changes are in the working tree;
"blocked" when something outside your control stops you; "needs_input" when you need a
decision from a person. A missing or malformed file counts as a failed task.`;

/** Default templates by task kind; `default` covers kinds without their own. */
export const DEFAULT_TEMPLATES: Record<string, string> = {
  default: `{{instructions}}

# Task
{{prompt}}

{{card}}

{{snapshot}}

{{rounds}}

{{fix_list}}

{{result_contract}}`,
  issue: `{{instructions}}

# Task
Resolve this issue in {{repo}}. Make the smallest change that fully fixes it, with tests
where the project has them.

{{snapshot}}

{{prompt}}

{{card}}

{{rounds}}

{{fix_list}}

{{result_contract}}`,
  "pr-checks": `{{instructions}}

# Task
Checks are failing on branch {{branch}} of {{repo}}. Find the cause and fix it on this
branch. Do not disable or skip the failing checks.

{{snapshot}}

{{prompt}}

{{rounds}}

{{fix_list}}

{{result_contract}}`,
  "pr-review": `{{instructions}}

# Task
A reviewer asked for changes on branch {{branch}} of {{repo}}. Address every point below.

{{snapshot}}

{{prompt}}

{{rounds}}

{{fix_list}}

{{result_contract}}`,
  review: `{{instructions}}

# Review
You are the reviewer. Another agent worked on the task below in {{repo}} (branch
{{branch}}); judge its change against the task and its acceptance criteria. You cannot
change the code: the workspace is read-only for you, nothing you do is pushed, and only
your report counts. Read the code, run the tests if that helps, and be specific.

# The task
{{prompt}}

{{card}}

{{snapshot}}

{{review_request}}`,
  email: `{{instructions}}

# Task
Someone asked for this by email. Do what they ask; your summary becomes the reply.

{{snapshot}}

{{prompt}}

{{card}}

{{rounds}}

{{fix_list}}

{{result_contract}}`,
};

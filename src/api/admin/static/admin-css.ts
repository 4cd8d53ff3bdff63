/** The dashboard's stylesheet (/static/admin.css). Status is never colour alone: each badge has a label and an icon. */
export const ADMIN_CSS = `
:root { --fg: #1d232a; --muted: #5b6570; --line: #d5dbe1; --bg: #fff; --accent: #1f5fbf; --ok: #1b6e35; --warn: #8a5a00; --bad: #a3261f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1.5rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.05rem; margin: 0; }
[role=tablist] { display: flex; gap: .25rem; }
[role=tab] { padding: .35rem .8rem; border: 1px solid transparent; border-radius: 4px 4px 0 0; color: var(--accent); text-decoration: none; }
[role=tab][aria-selected=true] { border-color: var(--line); border-bottom-color: var(--bg); color: var(--fg); font-weight: 600; }
[role=tab]:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
main { padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f4f6f8; position: sticky; top: 0; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; border: 1px solid currentColor; font-size: .85em; white-space: nowrap; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .muted { color: var(--muted); }
.error { color: var(--bad); margin: .2rem 0 0; }
.field { margin: .6rem 0; display: grid; grid-template-columns: 10rem minmax(0, 32rem); gap: .2rem 1rem; align-items: start; }
.field .error, .field .hint { grid-column: 2; }
.field input[type=checkbox] { justify-self: start; }
.field input[type=text], .field input[type=number], .field input[type=search], .field select, .field textarea { width: 100%; }
.actions { display: flex; gap: .5rem; margin: 1rem 0; flex-wrap: wrap; }
button { font: inherit; padding: .3rem .8rem; }
figure.code { margin: 0; }
pre { background: #f4f6f8; padding: .6rem; overflow: auto; max-height: 30rem; }
.diff-add { color: var(--ok); } .diff-del { color: var(--bad); }
.matrix td.cell { text-align: center; }
#flash:not(:empty) { padding: .4rem .8rem; border: 1px solid var(--bad); color: var(--bad); margin: 0 1rem; }
.method { border-top: 1px solid var(--line); padding: .4rem 0; }
ul.plain { list-style: none; padding: 0; }
.htmx-indicator { opacity: 0; } .htmx-request .htmx-indicator, .htmx-request.htmx-indicator { opacity: 1; }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
`;

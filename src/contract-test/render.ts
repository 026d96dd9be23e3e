/** A contract report as a table for a terminal, or as JSON. */
import type { CheckResult, ContractReport } from './runner.ts';

const marks: Readonly<Record<CheckResult['outcome'], string>> = { pass: 'pass', fail: 'FAIL', 'n/a': 'n/a ' };

/** Cuts a text to `width` code points, with an ellipsis. */
function fit(text: string, width: number): string {
  const points = [...text];
  return points.length <= width ? text : `${points.slice(0, width - 1).join('')}…`;
}

/** One line per check under its group's heading; the reason of a failure or n/a follows on its line. */
export function renderTable(report: ContractReport, width = 120): string {
  const lines: string[] = [`contract-test ${report.baseUrl}`];
  let group: string | undefined;
  for (const result of report.results) {
    if (result.group !== group) {
      group = result.group;
      lines.push('', group);
    }
    const line = `  ${marks[result.outcome]}  ${result.name}`;
    lines.push(result.reason === undefined ? line : `${line} — ${fit(result.reason, Math.max(40, width - [...line].length - 3))}`);
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed, ${report.notApplicable} not applicable (${report.results.length} checks)`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: ContractReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

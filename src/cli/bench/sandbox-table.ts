import { ms, ratio } from "./measure.js";
import type { MachineFigures } from "./sandbox-figures.js";

/** A column of the table: a machine's name and its figures. */
export interface MachineColumn {
  title: string;
  figures: MachineFigures;
}

const LABEL_WIDTH = 34;
const CELL_WIDTH = 44;

/** The overhead of variant `key` (its median less the bare spawn's), when it was measured. */
export function overheadOf(figures: MachineFigures, key: string): number | undefined {
  const variant = figures.variants.find((v) => v.key === key);
  return variant === undefined ? undefined : variant.ms - figures.bareMs;
}

/** The lines of the overhead table, one column per machine. */
export function overheadTable(columns: MachineColumn[], baselineLabel: string): string[] {
  const row = (label: string, cell: (f: MachineFigures) => string) =>
    `    ${label.padEnd(LABEL_WIDTH)}${columns.map((c) => `${cell(c.figures).padEnd(CELL_WIDTH - 2)}  `).join("")}`.trimEnd();
  const timed = (key: string) => (f: MachineFigures) => {
    const variant = f.variants.find((v) => v.key === key);
    return variant === undefined ? "-" : `${ms(variant.ms)}  overhead ${ms(variant.ms - f.bareMs)}`;
  };
  const inside = (key: string) => (f: MachineFigures) => f.variants.find((v) => v.key === key)?.inside ?? "-";
  const overheadRatio = (over: string) => (f: MachineFigures) => {
    const current = overheadOf(f, "current");
    const other = overheadOf(f, over);
    return current === undefined || other === undefined ? "-" : ratio(current / other);
  };
  return [
    row("", (f) => columns.find((c) => c.figures === f)!.title),
    row("cgroups (self-test)", (f) => f.cgroups),
    row("seccomp of the bench process", (f) => `Seccomp: ${f.seccompOutside}`),
    row("inside, baseline", inside("baseline")),
    row("inside, current, rlimits only", inside("rlimits")),
    row("inside, current", inside("current")),
    row('bare spawn: execa("true")', (f) => ms(f.bareMs)),
    row(`baseline ${baselineLabel}`, timed("baseline")),
    row("current, rlimits only", timed("rlimits")),
    row("current, as it runs here", timed("current")),
    row("current / baseline overhead", overheadRatio("baseline")),
    row("current / rlimits-only overhead", overheadRatio("rlimits")),
  ];
}

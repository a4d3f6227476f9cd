import type { PatchLine } from "./patch-lines.js";

/** Walks the body of a patch (the lines between the Begin and End markers). */
export class LineCursor {
  private index = 0;

  constructor(
    private readonly lines: readonly PatchLine[],
    /** Line number of `*** End Patch`, used when an error is about "what comes next" at the end. */
    private readonly endLineNumber: number,
  ) {}

  get done(): boolean {
    return this.index >= this.lines.length;
  }

  /** The line number errors should name when the next line is missing or wrong. */
  get lineNumber(): number {
    return this.peek()?.lineNumber ?? this.endLineNumber;
  }

  peek(ahead = 0): PatchLine | undefined {
    return this.lines[this.index + ahead];
  }

  advance(): void {
    this.index++;
  }
}

/** Quotes a patch line for an error message, shortened so one bad line cannot flood it. */
export function quote(text: string): string {
  const MAX_QUOTED_CHARS = 120;
  const shown = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
  return `'${shown}'`;
}

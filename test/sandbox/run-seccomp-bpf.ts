// A classic BPF interpreter for seccomp programs, so that a test can ask the checked-in filter
// what it answers for a call on an architecture this machine cannot run (aarch64 on x86_64).
// Hand-written: no kept npm library runs seccomp BPF. It knows the instructions libseccomp emits
// and throws on any other, so a new one cannot pass unnoticed.

export const AUDIT_ARCH = { x86_64: 0xc000003e, i386: 0x40000003, aarch64: 0xc00000b7, arm: 0x40000028 } as const;

export const SECCOMP_RET = { KILL_PROCESS: 0x80000000, ERRNO: 0x00050000, ALLOW: 0x7fff0000 } as const;

export interface SeccompData {
  nr: number;
  arch: number;
  args?: (number | bigint)[];
}

/** The filter's return value (action | data) for one call. */
export function runSeccompBpf(program: Uint8Array, data: SeccompData): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const input = seccompDataBytes(data);
  let a = 0;
  for (let pc = 0; pc < program.byteLength / 8; pc++) {
    const code = view.getUint16(pc * 8, true);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, true);
    switch (code) {
      case 0x20: // BPF_LD | BPF_W | BPF_ABS
        a = input.getUint32(k, true);
        break;
      case 0x54: // BPF_ALU | BPF_AND | BPF_K
        a = (a & k) >>> 0;
        break;
      case 0x05: // BPF_JMP | BPF_JA
        pc += k;
        break;
      case 0x15: // BPF_JMP | BPF_JEQ | BPF_K
        pc += a === k ? jt : jf;
        break;
      case 0x25: // BPF_JMP | BPF_JGT | BPF_K
        pc += a > k ? jt : jf;
        break;
      case 0x35: // BPF_JMP | BPF_JGE | BPF_K
        pc += a >= k ? jt : jf;
        break;
      case 0x45: // BPF_JMP | BPF_JSET | BPF_K
        pc += (a & k) !== 0 ? jt : jf;
        break;
      case 0x06: // BPF_RET | BPF_K
        return k;
      default:
        throw new Error(`unknown BPF instruction ${code.toString(16)} at ${pc}`);
    }
  }
  throw new Error("the program ran off its end");
}

// struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }, little-endian.
function seccompDataBytes(data: SeccompData): DataView {
  const view = new DataView(new ArrayBuffer(64));
  view.setUint32(0, data.nr >>> 0, true);
  view.setUint32(4, data.arch, true);
  (data.args ?? []).forEach((arg, i) => view.setBigUint64(16 + i * 8, BigInt.asUintN(64, BigInt(arg)), true));
  return view;
}

/**
 * Stack names. A stack name becomes a file name (`Pulumi.<stack>.yaml`, `policies/inventory.<stack>.yaml`) and
 * a directory (`dist/<stack>`), so it must be a Pulumi stack name and nothing else.
 *
 * Pulumi's rule (pulumi/pulumi `pkg/backend` validateStackName): 1 to 100 characters, each a letter, a digit,
 * `-`, `_` or `.`; a bare stack name has no `/` (`org/project/stack` is a fully qualified reference, not a
 * name). We accept exactly that, except a leading `.`: Pulumi's pattern lets `.` and `..` through, which
 * would name the current and the parent directory, and names starting with `.` are hidden files beside which
 * synth keeps its own working entries (`dist/.<stack>.out-*`).
 */
import { UserError } from "../model/problem.js";

export const STACK_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

const HINT = "a stack name is 1-100 letters, digits, '-', '_' or '.', not starting with '.', e.g. dev or prod-eu.1 (as `pulumi stack ls` shows it, without org/project/)";

/** Throws a UserError unless `stack` is a bare Pulumi stack name. `field` names the flag (`--stack`). */
export function checkStackName(stack: string, field = "--stack"): void {
  if (STACK_NAME_PATTERN.test(stack)) return;
  const qualified = stack.includes("/");
  throw new UserError([
    {
      path: field,
      value: stack,
      message: qualified ? "is not a bare stack name (it contains '/')" : "is not a valid stack name",
      hint: qualified ? `give only the stack's own name, the part after the last '/'; ${HINT}` : HINT,
    },
  ]);
}

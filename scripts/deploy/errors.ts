/** The deploy's own error: its message is meant for a human, so the CLI prints it without a stack trace. */
import { RunbookSmithError } from "../../lib/core/errors.ts";

/** An error whose message is meant for a human: the CLI prints it without a stack trace. */
export class DeployError extends RunbookSmithError {
  override name = "DeployError";
}

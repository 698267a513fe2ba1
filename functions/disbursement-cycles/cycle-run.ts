/**
 * A cycle's state machine run. One run drives the whole cycle (compute → wait for approval → dispatch →
 * collect → close) by polling the cycle record, so a cycle without a live run never moves on. Runs are named
 * by the cycle (`<cycleId>`, then `<cycleId>-r1`, `-r2`… when the recovery sweep replaces one that ended
 * early), and the input is always the same: starting a name that is running is that same run (Step Functions
 * answers with it), a name that has ended is ExecutionAlreadyExists.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { stepFunctions } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';

/** The name of a cycle's run after `restarts` replacements (0: the first, started by the create route). */
export function runName(cycleId: string, restarts: number): string {
  return restarts === 0 ? cycleId : `${cycleId}-r${restarts}`;
}

/** `arn:…:execution:<state machine name>:<run name>`, on AWS and locally alike. */
function executionArn(name: string): string {
  return `${resources.stateMachineArn('disbursement').replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts the named run; true if it started or is running, false if a run of that name already ended.
 * The input is the same whoever starts it, so a start racing another start of the same name is one run.
 */
export async function startCycleRun(cycleId: string, name = cycleId): Promise<boolean> {
  try {
    await stepFunctions().send(
      new StartExecutionCommand({
        stateMachineArn: resources.stateMachineArn('disbursement'),
        name,
        input: JSON.stringify({ cycleId }),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return false;
    throw err;
  }
}

export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface RunState {
  status: RunStatus;
  error?: string;
  cause?: string;
}

/** The named run's status, or undefined if Step Functions has none of that name (never started, or purged). */
export async function describeCycleRun(name: string): Promise<RunState | undefined> {
  try {
    const out = await stepFunctions().send(new DescribeExecutionCommand({ executionArn: executionArn(name) }));
    return {
      status: (out.status ?? 'RUNNING') as RunStatus,
      ...(out.error ? { error: out.error } : {}),
      ...(out.cause ? { cause: out.cause } : {}),
    };
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) return undefined;
    throw err;
  }
}

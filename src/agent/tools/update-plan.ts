import { z } from "zod";
import type { Tool } from "./tool.js";

const planStep = z.object({
  step: z.string().min(1).max(200),
  status: z.enum(["pending", "in_progress", "completed"]),
});

const parameters = z.object({
  explanation: z.string().max(500).optional(),
  plan: z.array(planStep).min(1).max(20),
});

export type PlanStep = z.infer<typeof planStep>;

/** The checklist the maintainer sees ticking in the status comment. */
export function createUpdatePlanTool(onPlan: (plan: PlanStep[]) => void | Promise<void>): Tool<typeof parameters> {
  return {
    name: "update_plan",
    description:
      "Shares your plan as a short checklist (at most one step in_progress). Call it at the start and whenever a step is done.",
    parameters,
    async execute(args) {
      await onPlan(args.plan);
      return "Plan updated.";
    },
  };
}

/**
 * Roles are stable ids; what people call them changes with reorganisations (Sở LĐ-TB&XH until 2025,
 * then provincial departments and commune chairmen), so labels and identity-provider group names are
 * configuration (schemas/roles.config.json), never code.
 */
import { z } from 'zod';

export const ROLE_IDS = ['labor_officer', 'finance_preparer', 'finance_approver', 'auditor', 'beneficiary'] as const;
export const RoleId = z.enum(ROLE_IDS);
export type RoleId = z.infer<typeof RoleId>;

/** Today's jurisdiction codes: 2-digit province or 5-digit commune (Decision 19/2025/QĐ-TTg). */
export const JurisdictionCode = z.string().regex(/^(\d{2}|\d{5})$/);

/** The caller, as the handlers see it once the token has been validated. */
export const Principal = z.object({
  subject: z.string().min(1),
  roles: z.array(RoleId).min(1),
  /** Officers: the province (2 digits) or commune (5 digits) they act for. */
  jurisdiction: JurisdictionCode.optional(),
  /**
   * The province an officer belongs to, from the identity provider's province claim (a province officer's
   * 2-digit jurisdiction is its own province). Never derived from a commune code's digits: commune codes are
   * numbered nationally, their first digits are not a province.
   */
  province: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  /** A commune officer's commune, from the commune claim (or a 5-digit jurisdiction). */
  commune: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  /** Beneficiaries: their 12-digit personal identification number, from the token only. */
  personalId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
});
export type Principal = z.infer<typeof Principal>;

export const RoleConfig = z.object({
  /** Claim carrying the caller's groups or roles in the identity provider's token. */
  rolesClaim: z.string(),
  jurisdictionClaim: z.string(),
  /** Claims naming an officer's province and commune (commune officers carry both). */
  provinceClaim: z.string().default('ansinh:province'),
  communeClaim: z.string().default('ansinh:commune'),
  personalIdClaim: z.string(),
  roles: z.record(
    RoleId,
    z.object({
      label: z.object({ vi: z.string(), en: z.string() }),
      /** Names the identity provider may use for this role (its groups), besides the role id itself. */
      aliases: z.array(z.string()).default([]),
    }),
  ),
});
export type RoleConfig = z.infer<typeof RoleConfig>;

// pure: the shapes of FusionAuth's answers that Porthole reads, as zod schemas following the
// components of docs/fusionauth-openapi/fusionauth-openapi.yaml (TenantResponse, ApplicationResponse,
// UserResponse, RegistrationResponse and the Tenant, Application, OAuth2Configuration, User and
// UserRegistration they hold). Only the fields Porthole reads are checked; every other field is kept
// as FusionAuth sent it (an update sends the application back whole). A mismatch names the field.
import { z } from 'zod';

/** `format: uuid` in the document. */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'is not a UUID');

const tenant = z.looseObject({ id: uuid, name: z.string().optional(), issuer: z.string().optional() });

const oauthConfiguration = z.looseObject({
  authorizedRedirectURLs: z.array(z.string()).optional(),
  enabledGrants: z.array(z.string()).optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  requireRegistration: z.boolean().optional(),
});

const application = z.looseObject({
  id: uuid,
  name: z.string().optional(),
  tenantId: uuid.optional(),
  active: z.boolean().optional(),
  oauthConfiguration: oauthConfiguration.optional(),
});

const registration = z.looseObject({ applicationId: uuid.optional(), id: uuid.optional() });
const user = z.looseObject({ id: uuid, email: z.string().optional(), registrations: z.array(registration).optional() });

/** One schema per answer Porthole reads, named for the call. */
export const ANSWERS = {
  tenants: z.looseObject({ tenants: z.array(tenant).optional() }),
  tenant: z.looseObject({ tenant: tenant }),
  applications: z.looseObject({ applications: z.array(application).optional() }),
  application: z.looseObject({ application: application }),
  user: z.looseObject({ user: user }),
  registration: z.looseObject({ registration: registration }),
} as const;

/** `tenants[0].name is expected string, got number`: the first mismatch, named by its path. */
export function firstMismatch(error: z.ZodError): { field: string; problem: string } {
  const issue = error.issues[0]!;
  const field = issue.path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') || '(the answer)';
  return { field, problem: issue.message.replace(/^Invalid input: /, '') };
}

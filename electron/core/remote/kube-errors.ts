import { AppError } from '../errors';

/** A Kubernetes `Status` (what the API server answers a refused request with). */
export interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string };
}

/** The HTTP status of a failed client-node call (its ApiException), or null for a failure that never got one. */
export function httpStatusOf(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
}

export const isNotFound = (error: unknown): boolean => httpStatusOf(error) === 404;

/** The Status the API server sent with a failed call (client-node gives it parsed, or as text). */
export function statusOf(error: unknown): KubeStatus | null {
  const body = (error as { body?: unknown } | null)?.body;
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? (parsed as KubeStatus) : null;
    } catch {
      return { message: body };
    }
  }
  return null;
}

/** The RBAC rule a 403 says is missing, read from the Status (its message names the verb; details the rest). */
export interface MissingRule {
  user: string | null;
  verb: string;
  resource: string;
  apiGroup: string;
  namespace: string;
}

// e.g. 'jobs.batch is forbidden: User "alice" cannot create resource "jobs" in API group "batch" in the namespace "ml"'
const FORBIDDEN =
  /User "([^"]*)" cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

export function missingRule(status: KubeStatus | null, namespace: string): MissingRule | null {
  const m = FORBIDDEN.exec(status?.message ?? '');
  if (!m) return null;
  return {
    user: m[1] || null,
    verb: m[2]!,
    resource: m[3]!,
    apiGroup: status?.details?.group ?? m[4] ?? '',
    namespace: m[5] ?? namespace,
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/** Whether the call never reached the API server (no HTTP status: refused, DNS, TLS, reset). */
function networkCode(error: unknown): string | null {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if ((e as { type?: unknown }).type === 'system' && typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return null;
}

/** Where a call went: the context, its server and namespace, to name in every error. */
export interface KubeWhere {
  context: string;
  server: string;
  namespace: string;
}

/**
 * A failed client-node call as the error a person can act on: KUBE_FORBIDDEN naming the RBAC rule to add,
 * KUBE_UNREACHABLE naming the server, KUBE_UNAUTHORIZED, KUBE_NAMESPACE_NOT_FOUND, else KUBE_API_ERROR with the
 * API server's own message. `action` says what was being done ("create the Job edgepack-export-…").
 */
export function kubeError(error: unknown, where: KubeWhere, action: string): AppError {
  if (error instanceof AppError) return error;
  const status = httpStatusOf(error);
  if (status === null) {
    const code = networkCode(error);
    const detail = (error as Error | null)?.message ?? String(error);
    return new AppError(
      'KUBE_UNREACHABLE',
      `Could not reach the Kubernetes API server ${where.server} (context "${where.context}") to ${action}: ${
        code === 'ETIMEDOUT' ? detail : (code ?? detail)
      }.`,
      'Check that the cluster is running and reachable from here (VPN, `kubectl --context ' +
        `${where.context} get namespaces\`), then try again.`,
      { cause: error },
    );
  }
  const body = statusOf(error);
  if (status === 403) {
    const rule = missingRule(body, where.namespace);
    if (rule) {
      const group = `"${rule.apiGroup}"`;
      const who = rule.user ? `User "${rule.user}"` : 'This user';
      const [resource, subresource] = rule.resource.split('/');
      const kubectlResource = `${resource}${rule.apiGroup ? `.${rule.apiGroup}` : ''}${subresource ? `/${subresource}` : ''}`;
      return new AppError(
        'KUBE_FORBIDDEN',
        `${who} may not ${rule.verb} ${rule.resource} in namespace "${rule.namespace}" (context "${where.context}"), so Edgepack could not ${action}. Missing RBAC rule: verbs [${rule.verb}], resources [${rule.resource}], apiGroups [${group}${rule.apiGroup ? '' : ' (the core group)'}], namespace ${rule.namespace}.`,
        `Ask a cluster admin to add the rule {apiGroups: [${group}], resources: [${rule.resource}], verbs: [${rule.verb}]} to a Role in namespace ${rule.namespace} bound to ${rule.user ? `user "${rule.user}"` : 'you'}, e.g. \`kubectl create role edgepack -n ${rule.namespace} --verb=${rule.verb} --resource=${kubectlResource}\` plus a rolebinding; then try again.`,
        { cause: error },
      );
    }
    return new AppError(
      'KUBE_FORBIDDEN',
      `The Kubernetes API refused to let Edgepack ${action} in namespace "${where.namespace}" (context "${where.context}"): ${body?.message ?? 'forbidden'}.`,
      'Ask a cluster admin for a Role in that namespace allowing Edgepack to manage Jobs, Secrets and read Pods and their logs.',
      { cause: error },
    );
  }
  if (status === 401)
    return new AppError(
      'KUBE_UNAUTHORIZED',
      `The Kubernetes API server ${where.server} did not accept the credentials of context "${where.context}" (401) when Edgepack tried to ${action}.`,
      'Log in to the cluster again (a token may have expired), check with `kubectl --context ' +
        `${where.context} auth whoami\`, then try again.`,
      { cause: error },
    );
  if (status === 404 && body?.details?.kind === 'namespaces')
    return new AppError(
      'KUBE_NAMESPACE_NOT_FOUND',
      `Namespace "${where.namespace}" does not exist in context "${where.context}", so Edgepack could not ${action}.`,
      `Create it (\`kubectl --context ${where.context} create namespace ${where.namespace}\`) or change the target's namespace.`,
      { cause: error },
    );
  return new AppError(
    'KUBE_API_ERROR',
    `The Kubernetes API answered ${status} when Edgepack tried to ${action} (context "${where.context}"): ${
      body?.message ?? 'no message'
    }.`,
    'Check the cluster with `kubectl --context ' + `${where.context} get events -n ${where.namespace}\`.`,
    { cause: error },
  );
}

package lint

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// coreGroupRule reports whether a policy rule applies to the core API
// group ("" or "*").
func coreGroupRule(r rbacv1.PolicyRule) bool {
	for _, g := range r.APIGroups {
		if g == "" || g == rbacv1.APIGroupAll {
			return true
		}
	}
	return false
}

// hasVerb reports whether a policy rule lists verb v (case-insensitive).
func hasVerb(r rbacv1.PolicyRule, v string) bool {
	for _, x := range r.Verbs {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// rbacSecretsRead reports Role and ClusterRole rules that grant get, list
// or watch on secrets in the core group, at the secrets entry. Rules with a
// "*" verb are left to rbac-wildcard, and rules restricted to named Secrets
// (resourceNames) are not reported.
var _ = Register(&Rule{
	ID:       "rbac-secrets-read",
	Severity: Warning,
	Summary:  "Role grants read access to Secrets",
	Rationale: "Secrets hold the credentials of everything else: database passwords, cloud " +
		"keys, TLS keys and ServiceAccount tokens. `list` and `watch` return every Secret of the " +
		"scope with its data, so a subject that can list them can impersonate every " +
		"application of the namespace (or of the cluster, for a ClusterRole bound cluster-wide). " +
		"`get` needs the name, which is rarely secret.",
	Remediation: "Restrict the rule to the Secrets the subject needs with `resourceNames` (and " +
		"`get` only), or mount the Secret into the pod instead of reading it from the API. " +
		"Rules with a `*` verb are reported by rbac-wildcard instead.\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - apiGroups: [\"\"]\n" +
		"    resources: [secrets]\n" +
		"    resourceNames: [web-tls]\n" +
		"    verbs: [get]\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 6.5,
	Check: func(p *Pass) {
		for i, r := range policyRules(p.Object) {
			if !coreGroupRule(r) || len(r.ResourceNames) > 0 || hasVerb(r, rbacv1.VerbAll) {
				continue
			}
			var verbs []string
			for _, v := range []string{"get", "list", "watch"} {
				if hasVerb(r, v) {
					verbs = append(verbs, v)
				}
			}
			if len(verbs) == 0 {
				continue
			}
			for j, res := range r.Resources {
				if res != "secrets" {
					continue
				}
				path := render.Path{}.Key("rules").Index(i).Key("resources").Index(j)
				if hasVerb(r, "list") || hasVerb(r, "watch") {
					p.Report(path, "the rule grants %s on secrets, which reads every Secret in scope; restrict it to get with resourceNames", strings.Join(verbs, ", "))
				} else {
					p.Report(path, "the rule grants get on all secrets; restrict it with resourceNames")
				}
			}
		}
	},
})

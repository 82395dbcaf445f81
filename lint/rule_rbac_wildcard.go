package lint

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// rbacWildcard reports "*" in the verbs or resources of a Role or
// ClusterRole rule, at the offending entry.
var _ = Register(&Rule{
	ID:       "rbac-wildcard",
	Severity: Error,
	Summary:  "Role grants wildcard verbs or resources",
	Rationale: "A `*` verb grants every verb, present and future, including `escalate`, `bind` " +
		"and `impersonate`, which lift any RBAC restriction; a `*` resource grants secrets, " +
		"pods/exec and every custom resource installed later. A workload with such a role is " +
		"one compromise away from owning the namespace or the cluster.",
	Remediation: "List the resources and verbs the workload needs; `kubectl auth can-i --list " +
		"--as=system:serviceaccount:NS:NAME` and the audit log help find them. Wildcard subresources (`pods/*`, `*/scale`) count; aggregated " +
		"ClusterRoles are skipped, since the controller fills their rules.\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - apiGroups: [\"\"]\n" +
		"    resources: [configmaps]\n" +
		"    verbs: [get, list, watch]\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 8.0,
	Check: func(p *Pass) {
		for i, r := range policyRules(p.Object) {
			rule := render.Path{}.Key("rules").Index(i)
			for j, v := range r.Verbs {
				if v == rbacv1.VerbAll {
					p.Report(rule.Key("verbs").Index(j), `verbs contains "*"; list only the verbs needed`)
				}
			}
			for j, res := range r.Resources {
				if wildcardResource(res) {
					p.Report(rule.Key("resources").Index(j), "resources contains %q; list only the resources needed", res)
				}
			}
		}
	},
})

package lint

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// rbacWildcardAPIGroups reports "*" in the apiGroups of a Role or
// ClusterRole rule whose resources are explicit (with a wildcard resource,
// rbac-wildcard already reports the rule).
var _ = Register(&Rule{
	ID:       "rbac-wildcard-api-groups",
	Severity: Warning,
	Summary:  "Role grants resources in every API group",
	Rationale: "`apiGroups: [\"*\"]` grants the listed resources in every API group, including " +
		"groups installed later by operators that reuse common names (`deployments`, " +
		"`secrets`, `configs`): the role silently grows with the cluster.",
	Remediation: "List the API groups of the resources (`\"\"` for the core group, `apps`, " +
		"`batch`, ...).\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - apiGroups: [apps]\n" +
		"    resources: [deployments]\n" +
		"    verbs: [get, list, watch]\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 5.0,
	Check: func(p *Pass) {
		for i, r := range policyRules(p.Object) {
			if len(r.Resources) == 0 || hasWildcardResource(r) {
				continue
			}
			for j, g := range r.APIGroups {
				if g == rbacv1.APIGroupAll {
					p.Report(render.Path{}.Key("rules").Index(i).Key("apiGroups").Index(j),
						`apiGroups contains "*"; list the API groups of the resources`)
				}
			}
		}
	},
})

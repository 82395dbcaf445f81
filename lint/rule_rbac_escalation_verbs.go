package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// escalationVerbs are the RBAC verbs that lift RBAC restrictions, with what
// they allow.
var escalationVerbs = map[string]string{
	"escalate":    "grants permissions the subject does not have",
	"bind":        "binds roles with permissions the subject does not have",
	"impersonate": "acts as other users, groups or ServiceAccounts",
}

// rbacEscalationVerbs reports the verbs escalate, bind and impersonate in
// Role and ClusterRole rules that are not restricted with resourceNames.
// "*" verbs are left to rbac-wildcard.
var _ = Register(&Rule{
	ID:       "rbac-escalation-verbs",
	Severity: Error,
	Summary:  "Role grants escalate, bind or impersonate",
	Rationale: "RBAC prevents a subject from granting permissions it does not hold, except " +
		"through these verbs: `escalate` on roles lets it edit a role to add any permission, " +
		"`bind` lets it bind any role (cluster-admin included) to itself, and `impersonate` " +
		"lets it act as any user, group or ServiceAccount. Each is equivalent to the most " +
		"powerful role in its scope.",
	Remediation: "Remove the verb. A controller that must create bindings should get `bind` " +
		"only for the roles it hands out (`resourceNames`), which is not reported.\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - apiGroups: [rbac.authorization.k8s.io]\n" +
		"    resources: [clusterroles]\n" +
		"    resourceNames: [tenant-viewer]\n" +
		"    verbs: [bind]\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 8.0,
	Check: func(p *Pass) {
		for i, r := range policyRules(p.Object) {
			if len(r.ResourceNames) > 0 {
				continue
			}
			for j, v := range r.Verbs {
				v = strings.ToLower(v)
				if why, ok := escalationVerbs[v]; ok {
					p.Report(render.Path{}.Key("rules").Index(i).Key("verbs").Index(j),
						"verbs contains %s, which %s; remove it or restrict it with resourceNames", v, why)
				}
			}
		}
	},
})

package lint

import (
	"github.com/prodlint/prodlint/render"
)

// rbacPodExec reports Role and ClusterRole rules of the core group that
// allow running commands in, or attaching to, pods: create on pods/exec or
// pods/attach (and get, which opened a WebSocket exec before Kubernetes
// 1.31 required create). "*" verbs and resources are left to rbac-wildcard.
var _ = Register(&Rule{
	ID:       "rbac-pod-exec",
	Severity: Warning,
	Summary:  "Role allows running commands in pods",
	Rationale: "`pods/exec` and `pods/attach` give a shell in every pod of the scope, with the " +
		"pod's ServiceAccount token, mounted Secrets and network position: the subject becomes " +
		"every workload it can reach. It is a debugging permission for people, rarely needed " +
		"by a workload, and a favorite of lateral movement.",
	Remediation: "Remove the permission from workload roles; give it to people through a " +
		"separate, audited role (or an ephemeral debug container workflow).\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - apiGroups: [\"\"]\n" +
		"    resources: [pods, pods/log]\n" +
		"    verbs: [get, list]\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 7.0,
	Check: func(p *Pass) {
		getOpensExec := kubeMinor(p.Env) < 31
		for i, r := range policyRules(p.Object) {
			if !coreGroupRule(r) {
				continue
			}
			verb := ""
			switch {
			case hasVerb(r, "create"):
				verb = "create"
			case getOpensExec && hasVerb(r, "get"):
				verb = "get"
			default:
				continue
			}
			for j, res := range r.Resources {
				if res != "pods/exec" && res != "pods/attach" {
					continue
				}
				p.Report(render.Path{}.Key("rules").Index(i).Key("resources").Index(j),
					"the rule grants %s on %s, a shell in every pod in scope; remove it from workload roles", verb, res)
			}
		}
	},
})

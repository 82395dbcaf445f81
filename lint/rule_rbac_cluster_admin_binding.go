package lint

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// bindingRoleRef returns the roleRef and subjects of a RoleBinding or
// ClusterRoleBinding, and whether o is one.
func binding(o *render.Object) (rbacv1.RoleRef, []rbacv1.Subject, bool) {
	if apiGroup(o.APIVersion) != rbacv1.GroupName {
		return rbacv1.RoleRef{}, nil, false
	}
	switch o.Kind {
	case "RoleBinding":
		var b rbacv1.RoleBinding
		if Decode(o, &b) {
			return b.RoleRef, b.Subjects, true
		}
	case "ClusterRoleBinding":
		var b rbacv1.ClusterRoleBinding
		if Decode(o, &b) {
			return b.RoleRef, b.Subjects, true
		}
	}
	return rbacv1.RoleRef{}, nil, false
}

// rbacClusterAdminBinding reports bindings to the cluster-admin
// ClusterRole.
var _ = Register(&Rule{
	ID:       "rbac-cluster-admin-binding",
	Severity: Error,
	Summary:  "Binding grants cluster-admin",
	Rationale: "`cluster-admin` allows every verb on every resource. Bound cluster-wide, its " +
		"subjects own the cluster: they read every Secret, run code on every node and grant " +
		"themselves anything. Bound in a namespace by a RoleBinding, they own the namespace, " +
		"its Secrets and its RBAC. A workload's ServiceAccount with it turns any compromise " +
		"of the workload into that.",
	Remediation: "Bind a Role or ClusterRole that lists the resources and verbs the subject needs " +
		"(`kubectl auth can-i --list` and the audit log help find them). Human administrators " +
		"should get such access through the identity provider and short-lived groups, not " +
		"through manifests.\n\n" +
		"```yaml\n" +
		"roleRef:\n" +
		"  apiGroup: rbac.authorization.k8s.io\n" +
		"  kind: ClusterRole\n" +
		"  name: web-reader\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 9.0,
	Check: func(p *Pass) {
		ref, _, ok := binding(p.Object)
		if !ok || ref.Kind != "ClusterRole" || ref.Name != "cluster-admin" {
			return
		}
		path := render.MustPath("roleRef.name")
		if p.Object.Kind == "RoleBinding" {
			p.Report(path, "the RoleBinding grants cluster-admin, every permission in its namespace; bind a role with only the permissions needed")
			return
		}
		p.Report(path, "the ClusterRoleBinding grants cluster-admin, every permission in the cluster; bind a role with only the permissions needed")
	},
})

package lint

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// serviceAccountTokenAutomounted reports pods that get a Kubernetes API token
// without anyone having decided so: neither the pod spec nor its
// ServiceAccount (when the render holds it) sets
// automountServiceAccountToken. An explicit true, on the pod or on the
// ServiceAccount, is a deliberate choice and is not reported. ServiceAccounts
// are not reported themselves, so that one omission is one finding. A pod
// whose ServiceAccount is bound to a Role or ClusterRole in the render calls
// the API by design and is not reported either.
var _ = Register(&Rule{
	ID:       "service-account-token-automounted",
	Severity: Warning,
	Summary:  "Pod automounts a service account token it may not need",
	Rationale: "By default every pod gets a token for its ServiceAccount mounted at " +
		"/var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the " +
		"Kubernetes API; for them the token only serves an attacker who gets code execution, " +
		"who can then use whatever RBAC grants the ServiceAccount (and the `default` one often " +
		"has more than expected).",
	Remediation: "Set `automountServiceAccountToken: false` in the pod spec (or on the " +
		"ServiceAccount). Pods that call the API set it to `true` explicitly, which documents " +
		"the need and is not reported, whether on the pod or on its ServiceAccount.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      serviceAccountName: web\n" +
		"      automountServiceAccountToken: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || pt.Spec.AutomountServiceAccountToken != nil {
			return
		}
		name := pt.Spec.ServiceAccountName
		if name == "" {
			name = pt.Spec.DeprecatedServiceAccount
		}
		if name == "" {
			name = "default"
		}
		if boundServiceAccount(p.Objects, p.Object.Namespace, name) {
			return // it has RBAC bindings, so the pod uses its token
		}
		path := pt.Path.Key("automountServiceAccountToken")
		if o := findObject(p.Objects, "", "ServiceAccount", p.Object.Namespace, name); o != nil {
			var sa corev1.ServiceAccount
			if !Decode(o, &sa) || sa.AutomountServiceAccountToken != nil {
				return
			}
			p.Report(path, "automountServiceAccountToken is not set here or on ServiceAccount %q; set it to false unless the pod calls the Kubernetes API", name)
			return
		}
		p.Report(path, "automountServiceAccountToken is not set; set it to false unless the pod calls the Kubernetes API")
	},
})

// boundServiceAccount reports whether a RoleBinding or ClusterRoleBinding in
// the render names the ServiceAccount as a subject. A subject without a
// namespace, or an object without one, matches leniently.
func boundServiceAccount(objs []*render.Object, ns, name string) bool {
	for _, o := range objs {
		if (o.Kind != "RoleBinding" && o.Kind != "ClusterRoleBinding") || apiGroup(o.APIVersion) != "rbac.authorization.k8s.io" {
			continue
		}
		var b rbacv1.RoleBinding // ClusterRoleBinding has the same subjects
		if !Decode(o, &b) {
			continue
		}
		for _, s := range b.Subjects {
			if s.Kind != "ServiceAccount" || s.Name != name {
				continue
			}
			sns := s.Namespace
			if sns == "" && o.Kind == "RoleBinding" {
				sns = o.Namespace
			}
			if sns == "" || ns == "" || sns == ns {
				return true
			}
		}
	}
	return false
}

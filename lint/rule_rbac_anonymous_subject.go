package lint

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// rbacAnonymousSubject reports bindings whose subjects include the
// anonymous user or the unauthenticated group.
var _ = Register(&Rule{
	ID:       "rbac-anonymous-subject",
	Severity: Error,
	Summary:  "Binding grants permissions to unauthenticated users",
	Rationale: "`system:anonymous` and `system:unauthenticated` are whoever reaches the API " +
		"server without credentials. Anything bound to them is available to the whole network " +
		"path to the API server, which for managed clusters is often the internet, and is a " +
		"classic way clusters get taken over.",
	Remediation: "Remove the subject and bind the role to the ServiceAccounts, users or groups " +
		"that need it (`system:authenticated` at most, for information that every user may " +
		"read).\n\n" +
		"```yaml\n" +
		"subjects:\n" +
		"  - kind: ServiceAccount\n" +
		"    name: web\n" +
		"    namespace: shop\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 9.5,
	Check: func(p *Pass) {
		_, subjects, ok := binding(p.Object)
		if !ok {
			return
		}
		for i, s := range subjects {
			if (s.Kind == rbacv1.UserKind && s.Name == "system:anonymous") || (s.Kind == rbacv1.GroupKind && s.Name == "system:unauthenticated") {
				p.Report(render.Path{}.Key("subjects").Index(i).Key("name"),
					"subject %s is anyone who reaches the API server without credentials; bind the role to authenticated subjects", s.Name)
			}
		}
	},
})

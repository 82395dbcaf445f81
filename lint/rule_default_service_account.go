package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// defaultServiceAccount reports pods that run as their namespace's default
// ServiceAccount with its token mounted. Pods that do not mount a token
// (automountServiceAccountToken: false on the pod, or on a default
// ServiceAccount of the render) have no API identity to share and are
// skipped.
var _ = Register(&Rule{
	ID:       "default-service-account",
	Severity: Note,
	Summary:  "Pod uses the namespace's default ServiceAccount",
	Rationale: "Every pod of a namespace that names no ServiceAccount shares the `default` one. " +
		"Any permission granted to it, for one application or by a tool, is granted to all " +
		"of them, and audit logs cannot tell them apart. A dedicated ServiceAccount per " +
		"application keeps its permissions its own.",
	Remediation: "Create a ServiceAccount for the application and set `serviceAccountName`; if the " +
		"pod does not call the Kubernetes API, set `automountServiceAccountToken: false` instead " +
		"(then the identity is not usable from the pod and the pod is not reported).\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      serviceAccountName: web\n" +
		"```",
	Tags:             []string{"security", "rbac"},
	SecuritySeverity: 2.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || isFalse(pt.Spec.AutomountServiceAccountToken) {
			return
		}
		name, path := pt.Spec.ServiceAccountName, pt.Path.Key("serviceAccountName")
		if name == "" && pt.Spec.DeprecatedServiceAccount != "" {
			name, path = pt.Spec.DeprecatedServiceAccount, pt.Path.Key("serviceAccount")
		}
		if name != "" && name != "default" {
			return
		}
		if pt.Spec.AutomountServiceAccountToken == nil {
			if sa := findObject(p.Objects, "", "ServiceAccount", p.Object.Namespace, "default"); sa != nil {
				var s corev1.ServiceAccount
				if !Decode(sa, &s) || isFalse(s.AutomountServiceAccountToken) {
					return
				}
			}
		}
		if name == "" {
			p.Report(path, "serviceAccountName is not set, so the pod runs as the default ServiceAccount; create a ServiceAccount for the application")
			return
		}
		p.Report(path, "the pod runs as the default ServiceAccount; create a ServiceAccount for the application")
	},
})

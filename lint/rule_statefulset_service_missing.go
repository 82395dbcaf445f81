package lint

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// statefulSetServiceMissing reports StatefulSets whose serviceName names no
// Service of the render, or a Service that is not headless, when the render
// holds Services in the StatefulSet's namespace.
var _ = Register(&Rule{
	ID:       "statefulset-service-missing",
	Severity: Warning,
	Summary:  "StatefulSet's serviceName is not a headless Service of the render",
	Rationale: "A StatefulSet's pods get their stable DNS names (`web-0.web.shop.svc`) from the " +
		"headless Service named by `serviceName`. Without it, or when that Service has a " +
		"cluster IP, the names do not resolve: peers that find each other by name (databases, " +
		"quorum systems) cannot form a cluster.",
	Remediation: "Create a Service named like `serviceName`, with `clusterIP: None`, that selects " +
		"the StatefulSet's pods (add a second, regular Service for clients if needed).\n\n" +
		"```yaml\n" +
		"apiVersion: v1\n" +
		"kind: Service\n" +
		"metadata:\n" +
		"  name: db-headless\n" +
		"spec:\n" +
		"  clusterIP: None\n" +
		"  selector:\n" +
		"    app: db\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		o := p.Object
		if wk, ok := workloadKindOf(o); !ok || wk.like != "StatefulSet" {
			return
		}
		name := rawString(o.Raw, "spec", "serviceName")
		if name == "" || !hasKindIn(p.Objects, "", "Service", o.Namespace) {
			return
		}
		path := render.MustPath("spec.serviceName")
		svcObj := findObject(p.Objects, "", "Service", o.Namespace, name)
		if svcObj == nil {
			p.Report(path, "serviceName %s names no Service of the render; add a headless Service with that name", name)
			return
		}
		var svc corev1.Service
		if Decode(svcObj, &svc) && svc.Spec.ClusterIP != corev1.ClusterIPNone {
			p.Report(path, "the Service %s is not headless, so the pods get no stable DNS names; set clusterIP: None on it", name)
		}
	},
})

package lint

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// internalLoadBalancer are the annotations (and values, "" for any) that
// make a cloud load balancer internal.
var internalLoadBalancer = map[string]string{
	"service.beta.kubernetes.io/aws-load-balancer-internal":              "",
	"service.beta.kubernetes.io/aws-load-balancer-scheme":                "internal",
	"networking.gke.io/load-balancer-type":                               "internal",
	"cloud.google.com/load-balancer-type":                                "internal",
	"service.beta.kubernetes.io/azure-load-balancer-internal":            "true",
	"service.beta.kubernetes.io/oci-load-balancer-internal":              "true",
	"service.beta.kubernetes.io/openstack-internal-load-balancer":        "true",
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type":     "private",
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
}

// exposedService reports NodePort Services and LoadBalancer Services that
// are neither internal (by the cloud provider annotations) nor restricted
// by loadBalancerSourceRanges.
var _ = Register(&Rule{
	ID:       "exposed-service",
	Severity: Note,
	Summary:  "Service is exposed outside the cluster",
	Rationale: "A `NodePort` Service opens its port on every node, outside of Ingress " +
		"controllers and often outside of NetworkPolicies; a `LoadBalancer` Service gets a cloud " +
		"load balancer, public by default. Either bypasses the TLS, authentication and rate " +
		"limits of the ingress layer, so each should be a deliberate, reviewed choice.",
	Remediation: "Use a `ClusterIP` Service behind an Ingress or Gateway; or make the load " +
		"balancer internal with the cloud provider's annotation, or restrict it with " +
		"`loadBalancerSourceRanges` (both are not reported).\n\n" +
		"```yaml\n" +
		"apiVersion: v1\n" +
		"kind: Service\n" +
		"spec:\n" +
		"  type: ClusterIP\n" +
		"```",
	Tags:             []string{"security", "exposure"},
	SecuritySeverity: 3.0,
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "Service" || o.APIVersion != "v1" {
			return
		}
		var svc corev1.Service
		if !Decode(o, &svc) {
			return
		}
		path := render.MustPath("spec.type")
		switch svc.Spec.Type {
		case corev1.ServiceTypeNodePort:
			p.Report(path, "the Service is of type NodePort and opens its port on every node; use ClusterIP behind an Ingress")
		case corev1.ServiceTypeLoadBalancer:
			if len(svc.Spec.LoadBalancerSourceRanges) > 0 {
				return
			}
			for k, want := range internalLoadBalancer {
				if v, ok := svc.Annotations[k]; ok && (want == "" && v != "false" || strings.EqualFold(strings.TrimSpace(v), want)) {
					return
				}
			}
			p.Report(path, "the Service is of type LoadBalancer with no source ranges; make it internal, set loadBalancerSourceRanges or use an Ingress")
		}
	},
})

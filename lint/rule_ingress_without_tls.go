package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// isIngress reports whether o is an Ingress (networking.k8s.io or the
// removed extensions version).
func isIngress(o *render.Object) bool {
	g := apiGroup(o.APIVersion)
	return o.Kind == "Ingress" && (g == "networking.k8s.io" || g == "extensions")
}

// externalTLSAnnotations terminate TLS at a cloud load balancer with
// certificates managed outside the Ingress's tls section.
var externalTLSAnnotations = []string{
	"alb.ingress.kubernetes.io/certificate-arn",
	"ingress.gcp.kubernetes.io/pre-shared-cert",
	"networking.gke.io/managed-certificates",
	"service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
	"appgw.ingress.kubernetes.io/appgw-ssl-certificate",
	"kubernetes.io/ingress.global-static-ip-name-with-cert",
}

// ingressWithoutTLS reports Ingresses without a tls section, unless a
// cloud load balancer annotation provides the certificate (AWS ALB
// certificate-arn, GKE pre-shared or managed certificates, Azure
// Application Gateway) or HTTPS listeners are configured for an ALB.
var _ = Register(&Rule{
	ID:       "ingress-without-tls",
	Severity: Warning,
	Summary:  "Ingress serves its hosts without TLS",
	Rationale: "Without a `tls` section the Ingress controller serves the hosts over plain " +
		"HTTP: credentials, session cookies and personal data cross the network in clear text " +
		"and can be read or changed by anyone on the path, and browsers flag the site as not " +
		"secure.",
	Remediation: "Add a `tls` section for the hosts with a certificate Secret (cert-manager can " +
		"issue it from an annotation), and let the controller redirect HTTP to HTTPS. Ingresses " +
		"whose certificate is attached by a cloud load balancer annotation (AWS ALB " +
		"`certificate-arn`, GKE managed or pre-shared certificates) are not reported.\n\n" +
		"```yaml\n" +
		"metadata:\n" +
		"  annotations:\n" +
		"    cert-manager.io/cluster-issuer: letsencrypt\n" +
		"spec:\n" +
		"  tls:\n" +
		"    - hosts: [shop.example.com]\n" +
		"      secretName: shop-tls\n" +
		"```",
	Tags:             []string{"security", "exposure"},
	SecuritySeverity: 5.0,
	Check: func(p *Pass) {
		o := p.Object
		if !isIngress(o) {
			return
		}
		if tls, _ := rawAt(o.Raw, "spec", "tls").([]any); len(tls) > 0 {
			return
		}
		ann := stringMap(rawAt(o.Raw, "metadata", "annotations"))
		for _, k := range externalTLSAnnotations {
			if strings.TrimSpace(ann[k]) != "" {
				return
			}
		}
		if strings.Contains(ann["alb.ingress.kubernetes.io/listen-ports"], "HTTPS") {
			return
		}
		p.Report(render.MustPath("spec.tls"), "the Ingress has no tls section, so its hosts are served over plain HTTP; add tls with a certificate Secret")
	},
})

package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// plainHTTP reports whether a source URL is plain http://.
func plainHTTP(url string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(url)), "http://")
}

// gitopsInsecureSource reports GitOps sources fetched without TLS: an Argo
// CD Application (or ApplicationSet template) repoURL over http://, and a
// Flux GitRepository, HelmRepository, OCIRepository or Bucket whose url (or
// a Bucket's endpoint) is http:// or that sets insecure: true.
var _ = Register(&Rule{
	ID:       "gitops-insecure-source",
	Severity: Error,
	Summary:  "GitOps source is fetched over plain HTTP",
	Rationale: "The GitOps controller deploys whatever its source returns, with its own, usually " +
		"broad, permissions. Over plain HTTP (an `http://` URL, or Flux's `insecure: true`, which " +
		"allows a registry or bucket without TLS) anyone on the network path can read the " +
		"repository and its credentials, or answer with manifests or charts of their own, " +
		"which the controller then applies to the cluster.",
	Remediation: "Serve the repository, chart repository, registry or bucket over TLS and use an " +
		"`https://`, `ssh://` or `oci://` URL; for a private certificate authority, give the " +
		"controller the CA (Flux `certSecretRef`, Argo CD `argocd-tls-certs-cm`) instead of " +
		"turning TLS off.\n\n" +
		"```yaml\n" +
		"apiVersion: source.toolkit.fluxcd.io/v1\n" +
		"kind: HelmRepository\n" +
		"spec:\n" +
		"  url: https://charts.example.com\n" +
		"```",
	Tags:             []string{"gitops", "security"},
	SecuritySeverity: 7.0,
	Check: func(p *Pass) {
		o := p.Object
		if isFlux(o, fluxSourceGroup, fluxSourceKinds...) {
			spec := render.Path{}.Key("spec")
			for _, key := range []string{"url", "endpoint"} {
				if plainHTTP(rawString(o.Raw, "spec", key)) {
					p.Report(spec.Key(key), "%s uses plain http://; use an https:// URL so the source cannot be read or replaced in transit", key)
				}
			}
			if rawTrue(rawAt(o.Raw, "spec", "insecure")) {
				p.Report(spec.Key("insecure"), "insecure is true, so the source is fetched without TLS; remove it and serve the source over TLS")
			}
			return
		}
		for _, s := range argoSources(o) {
			if plainHTTP(s.str("repoURL")) {
				p.Report(s.Path.Key("repoURL"), "repoURL uses plain http://; use an https:// or ssh:// URL so the source cannot be read or replaced in transit")
			}
		}
	},
})

package lint

import "github.com/prodlint/prodlint/render"

// gitopsReconciliationSuspended reports Flux HelmReleases, Kustomizations
// and sources committed with spec.suspend: true.
var _ = Register(&Rule{
	ID:       "gitops-reconciliation-suspended",
	Severity: Note,
	Summary:  "Flux object is committed with reconciliation suspended",
	Rationale: "`suspend: true` stops Flux from reconciling the object: a suspended " +
		"HelmRelease or Kustomization no longer applies changes nor corrects drift, and a " +
		"suspended source no longer fetches new revisions, so nothing downstream of it updates. " +
		"Committed to Git, a suspension meant as a temporary measure during an incident stays " +
		"in place silently, and later merges look deployed while they are not.",
	Remediation: "Remove `suspend` from the committed object, and suspend temporarily with " +
		"`flux suspend` (and `flux resume`) when needed, so that Git keeps describing a " +
		"reconciled cluster.\n\n" +
		"```yaml\n" +
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\n" +
		"kind: Kustomization\n" +
		"spec:\n" +
		"  interval: 10m\n" +
		"  suspend: false\n" +
		"```",
	Tags: []string{"gitops", "reliability"},
	Check: func(p *Pass) {
		o := p.Object
		if !isFlux(o, fluxHelmGroup) && !isFlux(o, fluxKustomizeGroup) && !isFlux(o, fluxSourceGroup) {
			return
		}
		if rawTrue(rawAt(o.Raw, "spec", "suspend")) {
			p.Report(render.MustPath("spec.suspend"), "suspend is true, so Flux stops reconciling this %s; remove it and suspend with the flux CLI when needed", o.Kind)
		}
	},
})

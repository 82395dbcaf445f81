package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// gitopsChartVersionUnpinned reports charts of Helm repositories deployed
// by GitOps objects without an exact version: a Flux HelmRelease (or
// HelmChart) whose version is unset, "*" or a range, and an Argo CD
// Application (or ApplicationSet template) chart source whose
// targetRevision is. Charts from Git or a Bucket are pinned by their
// source's revision, and HelmReleases with a chartRef by the referenced
// object, so they are not reported.
var _ = Register(&Rule{
	ID:       "gitops-chart-version-unpinned",
	Severity: Warning,
	Summary:  "GitOps object deploys a Helm repository chart without an exact version",
	Rationale: "Without a version, with `*` or with a range (`>=1.0.0`, `1.x`, `~1.2`, `^2`), the " +
		"controller upgrades the release as soon as a matching chart is published: a chart " +
		"release deploys to the cluster without a commit, review or rollback point in Git, " +
		"environments drift apart depending on when they reconciled, and a broken or " +
		"compromised chart version reaches production on its own.",
	Remediation: "Pin an exact chart version and upgrade it with a commit (Renovate or Dependabot " +
		"can open the pull requests). For a Flux HelmRelease set `spec.chart.spec.version`; for an " +
		"Argo CD Helm source set `targetRevision`.\n\n" +
		"```yaml\n" +
		"apiVersion: helm.toolkit.fluxcd.io/v2\n" +
		"kind: HelmRelease\n" +
		"spec:\n" +
		"  chart:\n" +
		"    spec:\n" +
		"      chart: podinfo\n" +
		"      version: 6.7.1\n" +
		"      sourceRef:\n" +
		"        kind: HelmRepository\n" +
		"        name: podinfo\n" +
		"```",
	Tags: []string{"gitops", "reliability"},
	Check: func(p *Pass) {
		o := p.Object
		switch {
		case isFlux(o, fluxHelmGroup, "HelmRelease"):
			if rawAt(o.Raw, "spec", "chartRef") != nil {
				return
			}
			checkFluxChartVersion(p, render.MustPath("spec.chart.spec"))
		case isFlux(o, fluxSourceGroup, "HelmChart"):
			checkFluxChartVersion(p, render.MustPath("spec"))
		default:
			for _, s := range argoSources(o) {
				if !s.helmChart() {
					continue
				}
				rev, chart := strings.TrimSpace(s.str("targetRevision")), s.str("chart")
				path := s.Path.Key("targetRevision")
				switch {
				case templated(rev) || templated(chart):
				case rev == "":
					p.Report(presentPath(o.Raw, path), "targetRevision of chart %q is not set; pin an exact chart version", chart)
				case rev == "*":
					p.Report(path, "targetRevision \"*\" of chart %q deploys the latest chart; pin an exact chart version", chart)
				case versionRange(rev):
					p.Report(path, "targetRevision %q of chart %q is a range; pin an exact chart version", rev, chart)
				}
			}
		}
	},
})

// checkFluxChartVersion checks the version of the Flux chart spec at spec
// (a HelmRelease's spec.chart.spec or a HelmChart's spec) whose chart
// comes from a HelmRepository (the default source kind).
func checkFluxChartVersion(p *Pass, spec render.Path) {
	raw := p.Object.Raw
	chart := asMap(rawAtPath(raw, spec))
	if chart == nil {
		return // no chart at all is a schema problem
	}
	if kind := rawString(chart, "sourceRef", "kind"); kind != "" && kind != "HelmRepository" {
		return
	}
	path := spec.Key("version")
	version, _ := scalarString(rawAtPath(raw, path))
	version = strings.TrimSpace(version)
	switch {
	case templated(version):
	case version == "":
		p.Report(presentPath(raw, path), "chart version is not set and defaults to \"*\", the latest chart; pin an exact chart version")
	case version == "*":
		p.Report(path, "chart version \"*\" deploys the latest chart; pin an exact chart version")
	case versionRange(version):
		p.Report(path, "chart version %q is a range; pin an exact chart version", version)
	}
}

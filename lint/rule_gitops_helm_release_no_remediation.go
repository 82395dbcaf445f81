package lint

import "github.com/prodlint/prodlint/render"

// gitopsHelmReleaseNoRemediation reports Flux HelmReleases whose failed
// upgrades are not remediated: no spec.upgrade.remediation, or one with
// neither retries nor remediateLastFailure: true. A retries count other
// than 0 (negative is unlimited) remediates, and so does
// remediateLastFailure: true. Opt-in: some teams prefer to keep a failed
// release in place to investigate it.
var _ = Register(&Rule{
	ID:       "gitops-helm-release-no-remediation",
	Severity: Note,
	Summary:  "Flux HelmRelease does not remediate failed upgrades",
	Rationale: "Without `spec.upgrade.remediation`, a Helm upgrade that fails (a hook that " +
		"fails, a rollout that does not become ready within the timeout) is left as it is: the " +
		"release is marked failed with part of the new resources applied, and Flux neither " +
		"retries nor rolls back until the next change to the HelmRelease, so the application " +
		"runs a mix of two versions.",
	Remediation: "Set `spec.upgrade.remediation.retries`, so that Flux retries the upgrade and " +
		"rolls back to the last good release when the retries are exhausted " +
		"(`remediateLastFailure` defaults to true once retries are set). Opt-in: enable the rule " +
		"in the configuration.\n\n" +
		"```yaml\n" +
		"apiVersion: helm.toolkit.fluxcd.io/v2\n" +
		"kind: HelmRelease\n" +
		"spec:\n" +
		"  upgrade:\n" +
		"    remediation:\n" +
		"      retries: 3\n" +
		"      strategy: rollback\n" +
		"```",
	Tags:  []string{"gitops", "reliability"},
	OptIn: true,
	Check: func(p *Pass) {
		o := p.Object
		if !isFlux(o, fluxHelmGroup, "HelmRelease") {
			return
		}
		path := render.MustPath("spec.upgrade.remediation")
		rem := asMap(rawAtPath(o.Raw, path))
		if rem == nil {
			p.Report(presentPath(o.Raw, path), "upgrade.remediation is not set, so a failed upgrade is left half-applied; set upgrade.remediation.retries to retry and roll back")
			return
		}
		if n, ok := rawInt(rem["retries"]); (ok && n != 0) || rawTrue(rem["remediateLastFailure"]) {
			return
		}
		p.Report(presentPath(o.Raw, path.Key("retries")), "upgrade.remediation has no retries, so a failed upgrade is left half-applied; set retries to 1 or more")
	},
})

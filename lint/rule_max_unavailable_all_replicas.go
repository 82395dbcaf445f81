package lint

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodlint/prodlint/render"
)

// maxUnavailableAllReplicas reports Deployments with at least two replicas
// whose rolling update may take every replica down at once:
// maxUnavailable, scaled to the replica count and rounded down as the
// deployment controller does, is at least the replica count. With an
// autoscaler, its minimum replica count is used. Recreate is a deliberate
// choice and is not reported.
var _ = Register(&Rule{
	ID:       "max-unavailable-all-replicas",
	Severity: Warning,
	Summary:  "Rolling update may take every replica down at once",
	Rationale: "`maxUnavailable` is how many pods a rolling update may remove before their " +
		"replacements are ready. When it covers every replica (`100%`, or a number at least " +
		"`replicas`), the update first takes all old pods down: the Deployment serves nothing " +
		"until the new pods are ready, and nothing at all if the new version never becomes " +
		"ready.",
	Remediation: "Keep `maxUnavailable` below the replica count (the default `25%` rounds down, " +
		"and `0` with a `maxSurge` of at least 1 keeps full capacity). If downtime during updates " +
		"is intended, say so with `strategy.type: Recreate`.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  replicas: 3\n" +
		"  strategy:\n" +
		"    type: RollingUpdate\n" +
		"    rollingUpdate:\n" +
		"      maxUnavailable: 1\n" +
		"      maxSurge: 1\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "Deployment" || !coreGroup(o.APIVersion, o.Kind) {
			return
		}
		var d appsv1.Deployment
		if !Decode(o, &d) || (d.Spec.Strategy.Type != "" && d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType) {
			return
		}
		n, ok := minReplicas(o, p.Objects)
		if !ok || n < 2 || n > 1<<30 {
			return
		}
		ru := d.Spec.Strategy.RollingUpdate
		if ru == nil || ru.MaxUnavailable == nil {
			return // the default, 25%, never covers every replica
		}
		unavailable, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, int(n), false)
		if err != nil || int64(unavailable) < n {
			return
		}
		p.Report(render.MustPath("spec.strategy.rollingUpdate.maxUnavailable"),
			"maxUnavailable %s lets a rolling update take all %d replicas down at once; keep it below the replica count",
			ru.MaxUnavailable.String(), n)
	},
})

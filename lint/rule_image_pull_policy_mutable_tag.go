package lint

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// imagePullPolicyMutableTag reports containers that set imagePullPolicy
// IfNotPresent or Never for an image whose tag moves (latest, or no tag)
// and that has no digest. Without imagePullPolicy such an image defaults to
// Always, which is not reported.
var _ = Register(&Rule{
	ID:       "image-pull-policy-mutable-tag",
	Severity: Warning,
	Summary:  "Mutable image tag is not pulled again",
	Rationale: "With `imagePullPolicy: IfNotPresent` (or `Never`) a node runs whatever image it " +
		"pulled first under the tag. For `latest`, which moves with every build, pods of the " +
		"same workload then run different code depending on their node and on when the node " +
		"first pulled, and a new build never reaches nodes that already have the tag.",
	Remediation: "Pin a version tag or a digest, which `IfNotPresent` then handles correctly; " +
		"if the tag must move, use `imagePullPolicy: Always` (the default for `latest`).\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    image: registry.example.com/web:1.4.2\n" +
		"    imagePullPolicy: IfNotPresent\n" +
		"```",
	Tags: []string{"reliability", "supply-chain"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			if c.ImagePullPolicy != corev1.PullIfNotPresent && c.ImagePullPolicy != corev1.PullNever {
				continue
			}
			repo, tag, dig, _ := splitImage(c.Image)
			if repo == "" || digest.MatchString(dig) || (tag != "" && !strings.EqualFold(tag, "latest")) {
				continue
			}
			what := "the latest tag"
			if tag == "" {
				what = "no tag (latest)"
			}
			p.ReportContainer(c, c.Path.Key("imagePullPolicy"),
				"imagePullPolicy is %s for image %q with %s, so nodes keep stale images; pin a version tag or use Always", c.ImagePullPolicy, c.Image, what)
		}
	},
})

package lint

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// appArmorAnnotation is the prefix of the beta AppArmor annotation, one per
// container name.
const appArmorAnnotation = "container.apparmor.security.beta.kubernetes.io/"

// appArmorUnconfined reports AppArmor profiles of type Unconfined that apply
// to a non-privileged container: the container's appArmorProfile, else its
// beta annotation, else the pod's appArmorProfile. Each place is reported
// once.
var _ = Register(&Rule{
	ID:       "apparmor-unconfined",
	Severity: Error,
	Summary:  "Container runs with AppArmor unconfined",
	Rationale: "On nodes with AppArmor (Ubuntu, Debian, SUSE) the runtime confines every " +
		"container with a default profile that denies writes to /proc and /sys, mounts and " +
		"raw kernel interfaces. An `Unconfined` profile removes that layer on purpose, which " +
		"turns many kernel or runtime bugs into container escapes. The baseline Pod Security " +
		"Standard forbids it.",
	Remediation: "Remove the override to get the runtime's default profile, or use a " +
		"`Localhost` profile loaded on the nodes. Both the `appArmorProfile` field (pod or " +
		"container) and the beta annotation `container.apparmor.security.beta.kubernetes.io/<container>` " +
		"are checked; privileged containers and Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"securityContext:\n" +
		"  appArmorProfile:\n" +
		"    type: RuntimeDefault\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		pt := linuxPod(p.Object)
		if pt == nil {
			return
		}
		ann := pt.Annotations()
		settings := newSettingReporter(p)
		for _, c := range unprivileged(pt.Containers()) {
			var path render.Path
			var own, annotation bool
			switch {
			case c.SecurityContext != nil && c.SecurityContext.AppArmorProfile != nil:
				if c.SecurityContext.AppArmorProfile.Type != corev1.AppArmorProfileTypeUnconfined {
					continue
				}
				path, own = securityContextPath(c).Key("appArmorProfile").Key("type"), true
			case c.Name != "" && ann[appArmorAnnotation+c.Name] != "":
				if strings.TrimSpace(ann[appArmorAnnotation+c.Name]) != "unconfined" {
					continue
				}
				path, own, annotation = annotationPath(pt, appArmorAnnotation+c.Name), true, true
			case pt.Spec.SecurityContext != nil && pt.Spec.SecurityContext.AppArmorProfile != nil:
				if pt.Spec.SecurityContext.AppArmorProfile.Type != corev1.AppArmorProfileTypeUnconfined {
					continue
				}
				path = pt.Path.Key("securityContext").Key("appArmorProfile").Key("type")
			default:
				continue
			}
			msg := "appArmorProfile.type is Unconfined; use RuntimeDefault or a Localhost profile"
			if annotation {
				msg = "the AppArmor annotation is unconfined; remove it or use a runtime/default or localhost profile"
			}
			settings.report(c, own, path, "%s", msg)
		}
	},
})

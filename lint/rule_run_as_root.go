package lint

import "github.com/prodlint/prodlint/render"

// runAsRoot reports containers that may run as root: runAsUser is 0, or
// neither runAsNonRoot: true nor a non-zero runAsUser applies. A container
// setting overrides the pod setting in both directions.
var _ = Register(&Rule{
	ID:       "run-as-root",
	Severity: Warning,
	Summary:  "Container may run as root",
	Rationale: "A process running as UID 0 in a container is root on the node's kernel: a " +
		"kernel or runtime bug, a writable hostPath or a mounted socket turns a compromise of " +
		"the application into a compromise of the node. Without `runAsNonRoot: true` or a " +
		"non-zero `runAsUser`, the image's `USER` decides, and most images default to root.",
	Remediation: "Set `runAsNonRoot: true` (the kubelet then refuses to start a container whose " +
		"user is root) and, if the image has no numeric non-root `USER`, a `runAsUser`. Set it " +
		"once in the pod `securityContext`; a container `securityContext` overrides it, in both directions " +
		"(a container `runAsUser: 0` is root even under a pod-level `runAsNonRoot: true`). Windows pods " +
		"are skipped.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  securityContext:\n" +
		"    runAsNonRoot: true\n" +
		"    runAsUser: 10001\n" +
		"  containers:\n" +
		"    - name: web\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		pt := linuxPod(p.Object)
		if pt == nil {
			return
		}
		podSC := pt.Path.Key("securityContext")
		for _, c := range pt.Containers() {
			user, userPath := effectiveRunAsUser(pt, c, podSC)
			nonRoot, nonRootPath := effectiveRunAsNonRoot(pt, c, podSC)
			switch {
			case user != nil && *user == 0:
				p.ReportContainer(c, userPath, "securityContext.runAsUser is 0 (root); set a non-zero user and runAsNonRoot: true")
			case user != nil:
				// A non-zero user is not root, whatever runAsNonRoot says.
			case isTrue(nonRoot):
			case isFalse(nonRoot):
				p.ReportContainer(c, nonRootPath, "securityContext.runAsNonRoot is false; set it to true")
			default:
				p.ReportContainer(c, securityContextPath(c).Key("runAsNonRoot"),
					"neither the container nor the pod sets runAsNonRoot: true or a non-zero runAsUser; set runAsNonRoot: true")
			}
		}
	},
})

// effectiveRunAsUser returns the runAsUser that applies to container c and
// the path where it is set: the container's, else the pod's.
func effectiveRunAsUser(pt *PodTemplate, c Container, podSC render.Path) (*int64, render.Path) {
	if c.SecurityContext != nil && c.SecurityContext.RunAsUser != nil {
		return c.SecurityContext.RunAsUser, securityContextPath(c).Key("runAsUser")
	}
	if pt.Spec.SecurityContext != nil && pt.Spec.SecurityContext.RunAsUser != nil {
		return pt.Spec.SecurityContext.RunAsUser, podSC.Key("runAsUser")
	}
	return nil, nil
}

// effectiveRunAsNonRoot returns the runAsNonRoot that applies to container c
// and the path where it is set: the container's, else the pod's.
func effectiveRunAsNonRoot(pt *PodTemplate, c Container, podSC render.Path) (*bool, render.Path) {
	if c.SecurityContext != nil && c.SecurityContext.RunAsNonRoot != nil {
		return c.SecurityContext.RunAsNonRoot, securityContextPath(c).Key("runAsNonRoot")
	}
	if pt.Spec.SecurityContext != nil && pt.Spec.SecurityContext.RunAsNonRoot != nil {
		return pt.Spec.SecurityContext.RunAsNonRoot, podSC.Key("runAsNonRoot")
	}
	return nil, nil
}

package lint

import (
	"github.com/prodlint/prodlint/render"
)

// unconfinedSELinuxTypes are the SELinux types that run a process without
// the container policy: spc_t (super-privileged container) and
// unconfined_t.
var unconfinedSELinuxTypes = map[string]bool{"spc_t": true, "unconfined_t": true}

// seLinuxUnconfined reports seLinuxOptions.type spc_t or unconfined_t that
// applies to a non-privileged container (a container's type overrides the
// pod's), once where it is written. Other custom types are not reported:
// they usually confine the container with a policy of their own.
var _ = Register(&Rule{
	ID:       "selinux-unconfined",
	Severity: Error,
	Summary:  "Container runs with an unconfined SELinux type",
	Rationale: "On SELinux nodes (RHEL, Fedora, OpenShift) the `container_t` type keeps a " +
		"container away from the node's files and processes even when it runs as root. " +
		"`spc_t` (super-privileged container) and `unconfined_t` lift that confinement: a " +
		"process that escapes the container namespaces is then unconstrained on the node. The " +
		"baseline Pod Security Standard only allows the container types.",
	Remediation: "Remove `seLinuxOptions.type` to get the runtime's `container_t`, or use a " +
		"custom type built for the workload (with udica, for example). Privileged containers " +
		"and Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"securityContext:\n" +
		"  seLinuxOptions:\n" +
		"    level: \"s0:c123,c456\"\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		pt := linuxPod(p.Object)
		if pt == nil {
			return
		}
		settings := newSettingReporter(p)
		for _, c := range unprivileged(pt.Containers()) {
			var typ string
			var path render.Path
			own := false
			switch {
			case c.SecurityContext != nil && c.SecurityContext.SELinuxOptions != nil && c.SecurityContext.SELinuxOptions.Type != "":
				typ, path, own = c.SecurityContext.SELinuxOptions.Type, securityContextPath(c).Key("seLinuxOptions").Key("type"), true
			case pt.Spec.SecurityContext != nil && pt.Spec.SecurityContext.SELinuxOptions != nil:
				typ, path = pt.Spec.SecurityContext.SELinuxOptions.Type, pt.Path.Key("securityContext").Key("seLinuxOptions").Key("type")
			}
			if !unconfinedSELinuxTypes[typ] {
				continue
			}
			settings.report(c, own, path, "seLinuxOptions.type is %s, which is not confined by the container policy; remove it or use a container type", typ)
		}
	},
})

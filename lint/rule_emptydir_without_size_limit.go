package lint

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// emptyDirWithoutSizeLimit reports emptyDir volumes without sizeLimit that
// a container mounts without a limit bounding it: an ephemeral-storage
// limit for disk-backed volumes, a memory limit for medium: Memory (whose
// pages count against it). Pod-level limits and LimitRange defaults of the
// same render count. Volumes no container mounts are skipped.
var _ = Register(&Rule{
	ID:       "emptydir-without-size-limit",
	Severity: Note,
	Summary:  "emptyDir volume has no size limit",
	Rationale: "An emptyDir lives on the node's disk (or in its memory for `medium: Memory`). " +
		"Without a `sizeLimit` or a limit on the container writing to it, a log file that " +
		"grows or a cache that is never pruned fills the node's disk: the kubelet then evicts " +
		"pods of every team from that node under DiskPressure.",
	Remediation: "Set `emptyDir.sizeLimit` (the kubelet evicts the pod that exceeds it), or an " +
		"`ephemeral-storage` limit on the containers that mount the volume (a memory limit " +
		"for `medium: Memory`).\n\n" +
		"```yaml\n" +
		"volumes:\n" +
		"  - name: cache\n" +
		"    emptyDir:\n" +
		"      sizeLimit: 1Gi\n" +
		"```",
	Tags: []string{"resources", "reliability"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		_, lrLimits := limitRangeDefaults(p.Objects, p.Object.Namespace)
		bounded := func(c Container, r corev1.ResourceName) bool {
			if _, ok := c.Resources.Limits[r]; ok {
				return true
			}
			if pr := pt.Spec.Resources; pr != nil {
				if _, ok := pr.Limits[r]; ok {
					return true
				}
			}
			_, ok := lrLimits[r]
			return ok
		}
		for i, v := range pt.Spec.Volumes {
			if v.EmptyDir == nil || v.EmptyDir.SizeLimit != nil {
				continue
			}
			r := corev1.ResourceEphemeralStorage
			if v.EmptyDir.Medium == corev1.StorageMediumMemory {
				r = corev1.ResourceMemory
			}
			var unbounded []string
			for _, c := range pt.Containers() {
				for _, m := range c.VolumeMounts {
					if m.Name == v.Name && !bounded(c, r) {
						unbounded = append(unbounded, c.Name)
						break
					}
				}
			}
			if len(unbounded) == 0 {
				continue
			}
			path := pt.Path.Key("volumes").Index(i).Key("emptyDir")
			if v.Name != "" {
				path = pt.Path.Key("volumes").Where("name", v.Name).Key("emptyDir")
			}
			verb := "has"
			if len(unbounded) > 1 {
				verb = "have"
			}
			p.Report(path, "emptyDir %q has no sizeLimit and %s %s no %s limit; set emptyDir.sizeLimit",
				v.Name, containerList(unbounded), verb, r)
		}
	},
})

// containerList names containers in messages: container web, containers
// web and log.
func containerList(names []string) string {
	switch len(names) {
	case 1:
		return "container " + names[0]
	case 2:
		return "containers " + names[0] + " and " + names[1]
	}
	return "containers " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

package lint

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// scratchDirs are mount points for scratch data that no one expects to
// keep.
var scratchDirs = []string{"/tmp", "/var/tmp", "/run", "/var/run", "/var/cache", "/dev/shm", "/cache", "/scratch"}

// scratchPath reports whether a mount path is, or is below, a scratch
// folder.
func scratchPath(p string) bool {
	p = path.Clean("/" + strings.TrimSpace(p))
	for _, d := range scratchDirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// statefulSetEmptyDirData reports StatefulSets (and OpenKruise Advanced
// StatefulSets) with no persistent storage at all (no volumeClaimTemplates,
// no persistentVolumeClaim or ephemeral volume) that mount a disk-backed
// emptyDir outside scratch folders (/tmp, /var/cache, ...): their state is
// lost whenever a pod moves.
var _ = Register(&Rule{
	ID:       "statefulset-emptydir-data",
	Severity: Warning,
	Summary:  "StatefulSet keeps its data in an emptyDir",
	Rationale: "An emptyDir is deleted with its pod: every node drain, eviction or rescheduling " +
		"of a StatefulSet pod that keeps its data there starts it empty, and a rolling update " +
		"wipes the replicas one after the other. A StatefulSet's stable identity only helps if " +
		"its storage is stable too.",
	Remediation: "Add a `volumeClaimTemplates` entry for the data folder (each replica gets its " +
		"own PersistentVolumeClaim, kept across rescheduling). If the data really is disposable " +
		"(a cache), a Deployment may be the better fit, or suppress the finding with a reason. " +
		"Memory-backed emptyDirs and scratch folders (`/tmp`, `/var/cache`, `/run`) are not " +
		"reported.\n\n" +
		"```yaml\n" +
		"volumeClaimTemplates:\n" +
		"  - metadata:\n" +
		"      name: data\n" +
		"    spec:\n" +
		"      accessModes: [ReadWriteOnce]\n" +
		"      resources:\n" +
		"        requests:\n" +
		"          storage: 10Gi\n" +
		"```",
	Tags: []string{"reliability", "storage"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || pt.Like != "StatefulSet" {
			return
		}
		if vcts, _ := rawAt(p.Object.Raw, "spec", "volumeClaimTemplates").([]any); len(vcts) > 0 {
			return
		}
		for _, v := range pt.Spec.Volumes {
			if v.PersistentVolumeClaim != nil || v.Ephemeral != nil {
				return
			}
		}
		for i, v := range pt.Spec.Volumes {
			if v.EmptyDir == nil || v.EmptyDir.Medium == corev1.StorageMediumMemory {
				continue
			}
			mount := ""
			for _, c := range pt.Containers() {
				if c.Init && !c.Sidecar {
					continue
				}
				for _, m := range c.VolumeMounts {
					if m.Name == v.Name && !scratchPath(m.MountPath) && mount == "" {
						mount = m.MountPath
					}
				}
			}
			if mount == "" {
				continue
			}
			vp := pt.Path.Key("volumes").Index(i).Key("emptyDir")
			if v.Name != "" {
				vp = pt.Path.Key("volumes").Where("name", v.Name).Key("emptyDir")
			}
			p.Report(vp, "emptyDir %q is mounted at %s and is lost whenever the pod moves; use volumeClaimTemplates for the data", v.Name, mount)
		}
	},
})

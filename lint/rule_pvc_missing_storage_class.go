package lint

// pvcMissingStorageClass reports PersistentVolumeClaims and StatefulSet
// volume claim templates without storageClassName, which then get the
// cluster's default class. Claims bound to a named volume (volumeName) and
// claims with an explicit empty class are not reported. Opt-in: relying on
// the default class is common and often intended.
var _ = Register(&Rule{
	ID:       "pvc-missing-storage-class",
	Severity: Note,
	Summary:  "PersistentVolumeClaim relies on the default storage class",
	Rationale: "A claim without `storageClassName` gets whatever class is the cluster's default " +
		"when it is created: the same manifests then give different performance, replication, " +
		"reclaim policy and cost on different clusters, and on a cluster without a default " +
		"class the claim stays Pending.",
	Remediation: "Name the storage class the data needs (or make it a chart value). Opt-in: " +
		"enable the rule in the configuration when the clusters have several classes.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  storageClassName: ssd-retain\n" +
		"  accessModes: [ReadWriteOnce]\n" +
		"  resources:\n" +
		"    requests:\n" +
		"      storage: 10Gi\n" +
		"```",
	Tags:  []string{"storage"},
	OptIn: true,
	Check: func(p *Pass) {
		for _, c := range claimSpecs(p.Object) {
			if _, set := c.spec["storageClassName"]; set || rawString(c.spec, "volumeName") != "" {
				continue
			}
			p.Report(c.path.Key("storageClassName"), "storageClassName is not set, so the claim gets the cluster's default class; name the storage class")
		}
	},
})

package lint

// BaselineState says how a finding compares with the base revision of a
// change, as SARIF's result.baselineState does.
type BaselineState string

// Baseline states.
const (
	// New: the change introduced the problem.
	New BaselineState = "new"
	// Unchanged: the base revision had it already.
	Unchanged BaselineState = "unchanged"
	// Absent: the base revision had it and the change fixed it.
	Absent BaselineState = "absent"
)

// Baseline is what the base revision of a change had: the fingerprints of
// its findings, before they were merged across variants and targets.
type Baseline struct {
	findings []Finding
}

// NewBaseline takes the findings of a lint run at the base revision.
func NewBaseline(base *Result) *Baseline {
	return &Baseline{findings: base.raw}
}

// classify marks each finding new or unchanged by fingerprint (a multiset:
// two identical problems at the base cover two at the head), and returns
// the base findings that the head no longer has.
func (b *Baseline) classify(head []Finding) (fixed []Finding) {
	left := map[string]int{}
	for _, f := range b.findings {
		left[f.Fingerprint]++
	}
	for i := range head {
		fp := head[i].Fingerprint
		if left[fp] > 0 {
			left[fp]--
			head[i].Baseline = Unchanged
		} else {
			head[i].Baseline = New
		}
	}
	for _, f := range b.findings {
		if left[f.Fingerprint] > 0 {
			left[f.Fingerprint]--
			f.Baseline = Absent
			fixed = append(fixed, f)
		}
	}
	return fixed
}

// mergeBaseline combines the states of merged findings: one new member
// makes the merged finding new.
func mergeBaseline(a, b BaselineState) BaselineState {
	if a == New || b == New {
		return New
	}
	if a == "" {
		return b
	}
	return a
}

// CountNew returns how many findings are new, and how many existed before.
func (r *Result) CountNew() (newN, old int) {
	for _, f := range r.Findings {
		if f.Baseline == Unchanged {
			old++
		} else {
			newN++
		}
	}
	return newN, old
}

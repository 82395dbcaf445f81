package change

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Rename detection, as git does it by default (diff.renames=true,
// similarity 50%, diff.renameLimit 1000), done here rather than with
// go-git's object.DetectRenames for two reasons: that one orders candidates
// through map iteration, so equal scores pair differently from run to run
// (measured: one added file similar to six deleted ones paired with each of
// the six over 30 runs), and it reads the object store only, while Since
// must compare base blobs with work-tree files.
const (
	renameScore    = 50      // minimum similarity, percent
	renameLimit    = 1000    // no content matching with more candidates than this on either side
	renameMaxBytes = 4 << 20 // larger files are matched by exact content only
)

var emptyBlob = plumbing.ComputeHash(plumbing.BlobObject, nil)

// side is one end of a would-be rename: a deleted base file or an added file.
type side struct {
	path  string
	state fileState
	sig   map[uint32]int
	size  int64
}

func (r *Repo) newSide(p string, s fileState) *side { return &side{path: p, state: s, size: -1} }

func (r *Repo) content(s *side) ([]byte, error) {
	if s.state.disk {
		b, err := r.readWorktreeFile(s.path)
		if err != nil {
			return nil, fmt.Errorf("reading %s in the work tree: %w", s.path, err)
		}
		return b, nil
	}
	b, err := r.readBlob(s.state.hash)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.path, err)
	}
	return b, nil
}

func (r *Repo) sizeOf(s *side) (int64, error) {
	if s.size >= 0 {
		return s.size, nil
	}
	if s.state.disk {
		fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(s.path)))
		if err != nil {
			return 0, fmt.Errorf("reading %s in the work tree: %w", s.path, err)
		}
		s.size = fi.Size()
	} else {
		n, err := r.blobSize(s.state.hash)
		if err != nil {
			return 0, fmt.Errorf("reading %s: %w", s.path, err)
		}
		s.size = n
	}
	return s.size, nil
}

// detectRenames pairs deleted and added files into renames and returns a
// change for every one of them. The caller holds r.mu.
func (r *Repo) detectRenames(added, deleted []*side) ([]Change, error) {
	bySide := func(a, b *side) int { return strings.Compare(a.path, b.path) }
	slices.SortFunc(added, bySide)
	slices.SortFunc(deleted, bySide)
	var out []Change
	if len(added) > 0 && len(deleted) > 0 {
		// Untracked files are hashed only now that they may pair.
		for _, a := range added {
			if a.state.hash.IsZero() {
				s, err := r.diskState(a.path)
				if err != nil {
					return nil, err
				}
				if !s.present {
					return nil, fmt.Errorf("hashing %s in the work tree: it disappeared while prodlint was reading it", a.path)
				}
				a.state = s
			}
		}
		var err error
		if added, deleted, out, err = r.exactRenames(added, deleted); err != nil {
			return nil, err
		}
		var more []Change
		if added, deleted, more, err = r.contentRenames(added, deleted); err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	for _, a := range added {
		out = append(out, Change{Path: a.path, Action: Added})
	}
	for _, d := range deleted {
		out = append(out, Change{OldPath: d.path, Action: Deleted})
	}
	return out, nil
}

func renameable(s *side) bool {
	m := s.state.mode
	return (m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated || m == filemode.Symlink) &&
		s.state.hash != emptyBlob
}

// exactRenames pairs files with identical content. An added file with
// several deleted candidates takes the one whose name is most alike.
func (r *Repo) exactRenames(added, deleted []*side) (restA, restD []*side, out []Change, err error) {
	byHash := map[plumbing.Hash][]*side{}
	for _, d := range deleted {
		if renameable(d) {
			byHash[d.state.hash] = append(byHash[d.state.hash], d)
		}
	}
	used := map[*side]bool{}
	for _, a := range added {
		var best *side
		bestScore := -1
		if renameable(a) {
			for _, d := range byHash[a.state.hash] {
				if used[d] || isLink(d.state.mode) != isLink(a.state.mode) {
					continue
				}
				if s := nameScore(a.path, d.path); s > bestScore {
					best, bestScore = d, s
				}
			}
		}
		if best == nil {
			restA = append(restA, a)
			continue
		}
		used[best] = true
		out = append(out, Change{Path: a.path, OldPath: best.path, Action: Renamed})
	}
	for _, d := range deleted {
		if !used[d] {
			restD = append(restD, d)
		}
	}
	return restA, restD, out, nil
}

// nameScore prefers the same file name, then the longest common folder.
func nameScore(a, b string) int {
	s := 0
	if path.Base(a) == path.Base(b) {
		s += 1 << 20
	}
	da, db := path.Dir(a), path.Dir(b)
	n := 0
	for n < len(da) && n < len(db) && da[n] == db[n] {
		n++
	}
	return s + n
}

// contentRenames pairs regular files whose content is at least renameScore
// percent alike, best score first; ties go to the smaller added path, then
// the smaller deleted path.
func (r *Repo) contentRenames(added, deleted []*side) (restA, restD []*side, out []Change, err error) {
	isFile := func(s *side) bool { return renameable(s) && !isLink(s.state.mode) }
	var as, ds []*side
	for _, a := range added {
		if isFile(a) {
			as = append(as, a)
		}
	}
	for _, d := range deleted {
		if isFile(d) {
			ds = append(ds, d)
		}
	}
	if len(as) == 0 || len(ds) == 0 || len(as) > renameLimit || len(ds) > renameLimit {
		return added, deleted, nil, nil
	}
	type pair struct {
		a, d  *side
		score int
	}
	var pairs []pair
	for _, a := range as {
		na, err := r.sizeOf(a)
		if err != nil {
			return nil, nil, nil, err
		}
		if na > renameMaxBytes {
			continue
		}
		for _, d := range ds {
			nd, err := r.sizeOf(d)
			if err != nil {
				return nil, nil, nil, err
			}
			if nd > renameMaxBytes || min(na, nd)*100 < max(na, nd)*renameScore {
				continue
			}
			if err := r.sign(a); err != nil {
				return nil, nil, nil, err
			}
			if err := r.sign(d); err != nil {
				return nil, nil, nil, err
			}
			if s := similarity(a, d); s >= renameScore {
				pairs = append(pairs, pair{a, d, s})
			}
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		return cmp.Or(cmp.Compare(y.score, x.score),
			strings.Compare(x.a.path, y.a.path), strings.Compare(x.d.path, y.d.path))
	})
	used := map[*side]bool{}
	for _, p := range pairs {
		if used[p.a] || used[p.d] {
			continue
		}
		used[p.a], used[p.d] = true, true
		out = append(out, Change{Path: p.a.path, OldPath: p.d.path, Action: Renamed})
	}
	for _, a := range added {
		if !used[a] {
			restA = append(restA, a)
		}
	}
	for _, d := range deleted {
		if !used[d] {
			restD = append(restD, d)
		}
	}
	return restA, restD, out, nil
}

// sign computes a side's similarity signature: bytes per chunk, a chunk
// being a line or 64 bytes, whichever ends first (git's diffcore-delta).
func (r *Repo) sign(s *side) error {
	if s.sig != nil {
		return nil
	}
	b, err := r.content(s)
	if err != nil {
		return err
	}
	s.size = int64(len(b))
	s.sig = map[uint32]int{}
	start := 0
	for i := range b {
		if b[i] == '\n' || i-start+1 >= 64 {
			s.sig[chunkHash(b[start:i+1])] += i + 1 - start
			start = i + 1
		}
	}
	if start < len(b) {
		s.sig[chunkHash(b[start:])] += len(b) - start
	}
	return nil
}

func chunkHash(b []byte) uint32 {
	h := fnv.New32a()
	h.Write(b)
	return h.Sum32()
}

// similarity is the percentage of bytes the two files have in common,
// relative to the larger one.
func similarity(a, d *side) int {
	small, big := a.sig, d.sig
	if len(small) > len(big) {
		small, big = big, small
	}
	common := 0
	for k, n := range small {
		common += min(n, big[k])
	}
	larger := max(a.size, d.size)
	if larger == 0 {
		return 0
	}
	return int(int64(common) * 100 / larger)
}

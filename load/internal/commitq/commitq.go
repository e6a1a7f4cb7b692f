package commitq

import "sync"

// Queue is the commit queue of one writer. The zero Queue is ready to use.
type Queue[T any] struct {
	mu      sync.Mutex
	waiting []*entry[T]
	token   chan struct{} // holds a value while a call is the committer
	init    sync.Once
}

type entry[T any] struct {
	v    T
	done chan struct{} // closed once its group is committed
}

// Waiting returns the items waiting to be committed, oldest first.
func (q *Queue[T]) Waiting() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]T, len(q.waiting))
	for i, e := range q.waiting {
		out[i] = e.v
	}
	return out
}

// Commit queues v and returns once a group holding it is committed. The
// committer holds lock while it calls pick, which returns how many of the
// waiting items (Waiting, oldest first) form the next group, at least 1,
// and commit, which commits a group and records each item's outcome in
// the item.
func (q *Queue[T]) Commit(v T, lock sync.Locker, pick func() int, commit func(group []T)) {
	q.init.Do(func() { q.token = make(chan struct{}, 1) })
	e := &entry[T]{v: v, done: make(chan struct{})}
	q.mu.Lock()
	q.waiting = append(q.waiting, e)
	q.mu.Unlock()
	select {
	case <-e.done:
		return
	case q.token <- struct{}{}:
	}
	defer func() { <-q.token }()
	lock.Lock()
	defer lock.Unlock()
	for !isDone(e) {
		n := max(1, pick())
		q.mu.Lock()
		n = min(n, len(q.waiting))
		group := q.waiting[:n:n]
		q.waiting = append([]*entry[T](nil), q.waiting[n:]...)
		q.mu.Unlock()
		vs := make([]T, n)
		for i, g := range group {
			vs[i] = g.v
		}
		commit(vs)
		for _, g := range group {
			close(g.done)
		}
	}
}

func isDone[T any](e *entry[T]) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

package commitq

import (
	"sync"
	"sync/atomic"
	"testing"
)

type item struct {
	id        int
	committed int // times committed
	group     int // size of its group
}

// Every item is committed exactly once, in queue order, by one committer
// at a time; items that wait together are committed together.
func TestQueue(t *testing.T) {
	var q Queue[*item]
	var writer sync.Mutex
	var busy atomic.Int32
	var order []int
	writer.Lock() // the writer is busy: the first items must wait together
	const n = 200
	items := make([]*item, n)
	var wg sync.WaitGroup
	for i := range n {
		items[i] = &item{id: i}
		wg.Go(func() {
			q.Commit(items[i], &writer, func() int { return 7 }, func(g []*item) {
				if busy.Add(1) != 1 {
					t.Error("two committers at once")
				}
				for _, it := range g {
					it.committed++
					it.group = len(g)
					order = append(order, it.id)
				}
				busy.Add(-1)
			})
		})
	}
	for len(q.Waiting()) < 20 {
		// wait until some have queued behind the held writer
	}
	queued := q.Waiting()
	writer.Unlock()
	wg.Wait()
	if len(order) != n {
		t.Fatalf("%d commits of %d items", len(order), n)
	}
	pos := map[int]int{}
	for i, id := range order {
		pos[id] = i
	}
	for i := 1; i < len(queued); i++ {
		if pos[queued[i].id] < pos[queued[i-1].id] {
			t.Errorf("item %d committed before item %d, which queued first", queued[i].id, queued[i-1].id)
		}
	}
	for _, it := range items {
		if it.committed != 1 {
			t.Errorf("item %d committed %d times", it.id, it.committed)
		}
	}
	if queued[0].group != 7 {
		t.Errorf("the first item waited with %d others but was committed in a group of %d", len(queued)-1, queued[0].group)
	}
	if len(q.Waiting()) != 0 {
		t.Errorf("%d items left waiting", len(q.Waiting()))
	}
}

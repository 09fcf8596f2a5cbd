package p

import (
	"sync"
)

// A worker pool: Wait can run before any worker has called Add.
func processAll(jobs []string, process func(string)) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1) // want "wg.Add runs inside the goroutine it counts"
		go func() {
			defer wg.Done()
			process(job)
		}()
	}
	wg.Wait()
}

type pool struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	workers int
	jobs    chan func()
}

// A struct field whose struct type declares wg sync.WaitGroup.
func (p *pool) start() {
	for i := 0; i < p.workers; i++ {
		p.wg.Add(1) // want "p.wg.Add runs inside the goroutine"
		go func() {
			defer p.wg.Done()
			for job := range p.jobs {
				job()
			}
		}()
	}
}

func (p *pool) stop() {
	close(p.jobs)
	p.wg.Wait()
}

// Pointer forms and a count built from len.
func batches(groups [][]int, handle func(int)) {
	wg := new(sync.WaitGroup)
	for _, g := range groups {
		wg.Add(len(g)) // want "wg.Add runs inside"
		go func() {
			for _, v := range g {
				handle(v)
				wg.Done()
			}
		}()
	}
	wg.Wait()
}

func fanOut(wg *sync.WaitGroup, n int, work func(int)) {
	for i := range n {
		wg.Add(1) // want "wg.Add runs inside"
		go func(id int) {
			defer wg.Done()
			work(id)
		}(i)
	}
}

func literal(work func()) {
	wg := &sync.WaitGroup{}
	wg.Add(1) // want "wg.Add runs inside"
	go func() {
		defer wg.Done()
		work()
	}()
	wg.Wait()
}

package p

import . "sync"

// A dot import: WaitGroup is sync.WaitGroup.
func dotted(jobs []func()) {
	var wg WaitGroup
	for _, job := range jobs {
		wg.Add(1) // want "wg.Add runs inside"
		go func() {
			defer wg.Done()
			job()
		}()
	}
	wg.Wait()
}

package main

import "time"

func init() {
	go func() {
		for range time.Tick(time.Minute) {
			println("still alive")
		}
	}()
}

// time.Tick in main or init lives as long as the program: that is what it is for.
func main() {
	for range time.Tick(time.Second) {
		if helper() {
			return
		}
	}
}

func helper() bool {
	ticker := time.NewTicker(time.Millisecond)
	defer ticker.Stop()
	c := ticker.C // want "time.Tick"
	<-c
	return true
}

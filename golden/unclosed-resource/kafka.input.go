// gofix-test: modules=kafka-go
package p

import (
	"context"
	"log"

	"github.com/segmentio/kafka-go"
)

type Event struct {
	Key, Value []byte
}

// The seeds' writeLoop: a writer per call, never closed, so its batching goroutine and
// connections stay behind every time the loop exits.
func writeLoop(ctx context.Context, brokers []string, events <-chan Event) error {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "events"}) // want "kafka writer returned by kafka.NewWriter is never closed"
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if err := w.WriteMessages(ctx, kafka.Message{Key: e.Key, Value: e.Value}); err != nil {
				return err
			}
		}
	}
}

func consume(ctx context.Context, brokers []string, handle func(kafka.Message)) error {
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: "events", GroupID: "g"}) // want "kafka reader returned by kafka.NewReader is never closed"
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return err
		}
		handle(m)
	}
}

// One writer per batch inside a loop: closed at the end of the body.
func perBatch(ctx context.Context, brokers []string, batches [][]kafka.Message) {
	for _, batch := range batches {
		w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "batches"}) // want "never closed"
		if err := w.WriteMessages(ctx, batch...); err != nil {
			log.Print(err)
		}
	}
}

type Producer struct {
	w *kafka.Writer
}

// Stored in the producer: its Close method owns the writer.
func NewProducer(brokers []string) *Producer {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "events"})
	return &Producer{w: w}
}

func (p *Producer) Close() error { return p.w.Close() }

func newWriter(brokers []string) *kafka.Writer {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers})
	return w
}

// Closed on one path only: kafka-go does not document a second Close as harmless.
func sendOne(ctx context.Context, brokers []string, m kafka.Message) error {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "events"}) // want "w is closed on some paths only"
	if err := w.WriteMessages(ctx, m); err != nil {
		return err
	}
	return w.Close()
}

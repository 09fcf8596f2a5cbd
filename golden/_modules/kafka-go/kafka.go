// Package kafka is a stand-in for github.com/segmentio/kafka-go in gofix's golden tests:
// only the shapes the unclosed-resource rule matches (NewWriter, NewReader, Close).
package kafka

import "context"

// Message is one record.
type Message struct {
	Key, Value []byte
}

// WriterConfig configures a Writer.
type WriterConfig struct {
	Brokers []string
	Topic   string
}

// ReaderConfig configures a Reader.
type ReaderConfig struct {
	Brokers []string
	Topic   string
	GroupID string
}

// Writer batches messages to a topic; Close flushes and stops it.
type Writer struct {
	cfg  WriterConfig
	sent int
}

// Reader reads messages from a topic; Close stops it.
type Reader struct {
	cfg ReaderConfig
}

// NewWriter makes a Writer.
func NewWriter(cfg WriterConfig) *Writer { return &Writer{cfg: cfg} }

// NewReader makes a Reader.
func NewReader(cfg ReaderConfig) *Reader { return &Reader{cfg: cfg} }

// WriteMessages writes msgs.
func (w *Writer) WriteMessages(ctx context.Context, msgs ...Message) error {
	w.sent += len(msgs)
	return ctx.Err()
}

// Close flushes pending messages and releases the writer.
func (w *Writer) Close() error { return nil }

// ReadMessage reads the next message.
func (r *Reader) ReadMessage(ctx context.Context) (Message, error) {
	return Message{}, ctx.Err()
}

// Close releases the reader.
func (r *Reader) Close() error { return nil }

"""Write a tiny llama-architecture GGUF model with random weights and a real tokenizer.

The tokenizer keys are copied from one of llama.cpp's vocab-only GGUF files
(models/ggml-vocab-*.gguf in its source tree), so token counts, context limits and usage numbers
from llama-server are real, while the generated text is gibberish. The weights come from a fixed
seed, so greedy sampling gives the same reply on every run.

Usage:
    python3 make-tiny-gguf.py --gguf-py LLAMA_CPP/gguf-py --vocab VOCAB.gguf --output OUT.gguf
"""

import argparse
import sys

# Llama 3's chat format, used when the vocab file has no template of its own but has the Llama 3
# header and end-of-turn tokens, so that chat prompts are tokenized as for a real Llama 3 model.
LLAMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{{ message['content'] | trim + '<|eot_id|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)

# ChatML, the fallback for vocab files without Llama 3's special tokens.
CHATML_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

LLAMA3_TOKENS = ("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf-py", required=True, help="path to llama.cpp's gguf-py folder")
    parser.add_argument("--vocab", required=True, help="vocab-only GGUF file to copy the tokenizer from")
    parser.add_argument("--output", required=True, help="GGUF file to write")
    parser.add_argument("--embedding-length", type=int, default=64, help="width of the hidden state")
    parser.add_argument("--layers", type=int, default=2, help="number of transformer blocks")
    parser.add_argument("--heads", type=int, default=4, help="number of attention heads")
    parser.add_argument("--context-length", type=int, default=8192, help="training context length, in tokens")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random weights")
    return parser.parse_args()


def copy_tokenizer(gguf, reader, writer):
    """Copy every tokenizer.* key from reader to writer and return the token list."""
    tokens = None
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        value = field.contents()
        value_type = field.types[0]
        if value_type == gguf.GGUFValueType.ARRAY:
            writer.add_key_value(key, value, value_type, sub_type=field.types[1])
        else:
            writer.add_key_value(key, value, value_type)
        if key == "tokenizer.ggml.tokens":
            tokens = value
    if tokens is None:
        sys.exit("no tokenizer.ggml.tokens key in the vocab file")
    return tokens


def add_chat_template(writer, reader, tokens):
    """Add a chat template unless the vocab file has one, so that /v1/chat/completions works."""
    if "tokenizer.chat_template" in reader.fields:
        return
    if all(token in tokens for token in LLAMA3_TOKENS):
        writer.add_chat_template(LLAMA3_CHAT_TEMPLATE)
        writer.add_eot_token_id(tokens.index("<|eot_id|>"))
    else:
        writer.add_chat_template(CHATML_CHAT_TEMPLATE)


def gpt2_byte_decoder():
    """Return the map from GPT-2's byte-level BPE characters back to the bytes they stand for."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    byte_values = printable[:]
    code_points = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in byte_values:
            byte_values.append(byte)
            code_points.append(256 + extra)
            extra += 1
    return {chr(code_point): byte for code_point, byte in zip(code_points, byte_values)}


def find_partial_utf8_tokens(reader, tokens):
    """Return the ids of tokens whose text is not valid UTF-8 on its own, such as one byte of a CJK character."""
    fields = reader.fields
    model = fields["tokenizer.ggml.model"].contents() if "tokenizer.ggml.model" in fields else ""
    token_types = fields["tokenizer.ggml.token_type"].contents() if "tokenizer.ggml.token_type" in fields else []
    byte_token_type = 6  # llama.cpp's LLAMA_TOKEN_TYPE_BYTE, used for SentencePiece byte fallback tokens like <0xE8>
    decoder = gpt2_byte_decoder()
    partial = []
    for token_id, text in enumerate(tokens):
        if token_id < len(token_types) and token_types[token_id] == byte_token_type:
            partial.append(token_id)
            continue
        if model != "gpt2" or any(character not in decoder for character in text):
            continue
        try:
            bytes(decoder[character] for character in text).decode("utf-8")
        except UnicodeDecodeError:
            partial.append(token_id)
    return partial


def add_weights(writer, np, args, vocab_size, partial_utf8_tokens):
    """Add random weights for a llama model of the requested shape.

    Tokens that are not valid UTF-8 on their own get a much lower logit than the rest (an estimated 30 lower), so in
    practice every reply is valid UTF-8. llama-server 80fb11a fails a chat completion with "does not match the expected peg-native format"
    on replies that contain such tokens: without the bias, 9 of 30 streamed replies of 32 tokens failed, with it none
    of 160. Dimension 0 of the hidden state carries the bias: every token embedding has 0.3 there, no layer writes
    to it, and the output matrix has a weight of -10 there for those tokens and 0 for all others.
    """
    width = args.embedding_length
    feed_forward = width * 2
    rng = np.random.default_rng(args.seed)

    def random_matrix(rows, columns, dtype=np.float32):
        return (rng.standard_normal((rows, columns)) * 0.08).astype(dtype)

    def ones():
        return np.ones(width, np.float32)

    # GGUF lists a tensor's shape innermost first, so numpy's (rows, columns) is (output, input).
    token_embedding = random_matrix(vocab_size, width, np.float16)
    token_embedding[:, 0] = 0.3
    output = random_matrix(vocab_size, width, np.float16)
    output[:, 0] = 0.0
    output[partial_utf8_tokens, 0] = -10.0
    writer.add_tensor("token_embd.weight", token_embedding)
    writer.add_tensor("output_norm.weight", ones())
    writer.add_tensor("output.weight", output)
    for block in range(args.layers):
        prefix = f"blk.{block}."
        writer.add_tensor(prefix + "attn_norm.weight", ones())
        writer.add_tensor(prefix + "ffn_norm.weight", ones())
        for name in ("attn_q", "attn_k", "attn_v"):
            writer.add_tensor(prefix + name + ".weight", random_matrix(width, width))
        attention_output = random_matrix(width, width)
        attention_output[0, :] = 0.0
        writer.add_tensor(prefix + "attn_output.weight", attention_output)
        writer.add_tensor(prefix + "ffn_gate.weight", random_matrix(feed_forward, width))
        writer.add_tensor(prefix + "ffn_up.weight", random_matrix(feed_forward, width))
        feed_forward_down = random_matrix(width, feed_forward)
        feed_forward_down[0, :] = 0.0
        writer.add_tensor(prefix + "ffn_down.weight", feed_forward_down)


def main():
    args = parse_args()
    if args.embedding_length % args.heads != 0:
        sys.exit(f"--embedding-length {args.embedding_length} is not a multiple of --heads {args.heads}")
    sys.path.insert(0, args.gguf_py)
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(args.vocab)
    writer = gguf.GGUFWriter(args.output, "llama")
    tokens = copy_tokenizer(gguf, reader, writer)
    add_chat_template(writer, reader, tokens)

    writer.add_name("tiny-random-llama")
    writer.add_context_length(args.context_length)
    writer.add_embedding_length(args.embedding_length)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(args.embedding_length * 2)
    writer.add_head_count(args.heads)
    writer.add_head_count_kv(args.heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(args.embedding_length // args.heads)
    writer.add_vocab_size(len(tokens))
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    partial_utf8_tokens = find_partial_utf8_tokens(reader, tokens)
    add_weights(writer, np, args, len(tokens), partial_utf8_tokens)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(
        f"wrote {args.output}: {len(tokens)} tokens ({len(partial_utf8_tokens)} partial UTF-8 ones suppressed),"
        f" {args.layers} layers, width {args.embedding_length}"
    )


if __name__ == "__main__":
    main()

"""Text models: the Universal Sentence Encoder tokenizer and the TF.js toxicity classifier."""

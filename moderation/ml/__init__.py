"""The text models: features, the text model, evidence, the verified model store, the labelled
corpus and its checks. Pure computation on text and files: never storage, the pipeline or
Flask."""

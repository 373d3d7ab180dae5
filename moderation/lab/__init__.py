"""The data scientist's workbench: training, evaluation, evaluation reports and the feedback
export. May import ml, the pipeline and storage; never Flask pages or the API."""

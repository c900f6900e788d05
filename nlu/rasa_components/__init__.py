"""Python modules shipped inside an exported Rasa project (copied next to its config.yml by `newcomer export rasa`)."""

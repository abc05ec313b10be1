"""百优/十佳“科服保姆”, 优质科创项目 and 突出贡献单位 (seed 000 §七（一）、（四））: rounds, concierges'
kinds and scores, nominations, honours and their printed lists."""

package io.streamrec.core.contract;

import java.util.Objects;

/** A user profile change on the compacted {@code users} topic (key: user_id). */
public final class User {
  public String userId;
  public Integer age;
  public String region;
  public long ts;

  public User() {}

  public static User of(String userId, Integer age, String region, long ts) {
    User u = new User();
    u.userId = userId;
    u.age = age;
    u.region = region;
    u.ts = ts;
    return u;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof User that)) {
      return false;
    }
    return ts == that.ts
        && Objects.equals(userId, that.userId)
        && Objects.equals(age, that.age)
        && Objects.equals(region, that.region);
  }

  @Override
  public int hashCode() {
    return Objects.hash(userId, age, region, ts);
  }

  @Override
  public String toString() {
    return "User{" + userId + " age=" + age + " region=" + region + " @" + ts + "}";
  }
}

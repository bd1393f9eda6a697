"""The trade messages of a room socket: thin, the rules are rooms.trading's.
Both traders see every change at once: the frame goes to this socket and,
through the channel layer, to the other player's room socket."""

from habbo.bus.producer import EventBusUnavailable
from rooms import frames, trading
from rooms.presence import room_event
from rooms.protocol import TradeAccept, TradeCancel, TradeConfirm, TradeOffer, TradeOpen
from rooms.trading import TradeRefused, TradeState, Trader


class TradingSocket:
    """Mixed into rooms.consumers.RoomConsumer (self.user, self.room, self.live)."""

    async def _trade_open(self, message: TradeOpen):
        other = await self.live.get(message.user)
        if other is None or other.id == self.user.pk:
            raise TradeRefused("not_here")
        me = Trader(self.user.pk, self.user.username, self.channel_name)
        trade = await trading.open_trade(self.room.id, me, Trader(other.id, other.name, other.channel))
        await self._to_traders(trade, trade.frame())

    async def _trade_offer(self, message: TradeOffer):
        me = self.user.pk
        pieces = await trading.offered_pieces(me, message.furni)
        trade = await trading.change(me, lambda t: t.offer(me, pieces))
        await self._to_traders(trade, trade.frame())

    async def _trade_accept(self, message: TradeAccept):
        me = self.user.pk
        trade = await trading.change(me, lambda t: t.accept(me, message.accepted))
        await self._to_traders(trade, trade.frame())

    async def _trade_confirm(self, message: TradeConfirm):
        me = self.user.pk
        trade = await trading.change(me, lambda t: t.confirm(me))
        if trade.stage != "closing":
            return await self._to_traders(trade, trade.frame())
        try:
            await trading.publish_swap(trade, actor=me)
        except EventBusUnavailable:
            trade = await trading.change(me, TradeState.reopened)
            await self._to_traders(trade, trade.frame())
            refused = TradeRefused("unavailable")
            return await self._to_traders(trade, frames.Error(code=refused.code, message=refused.message))
        await trading.close(trade)
        await self._to_traders(trade, trading.closed_frame(trade, "completing", "Both confirmed: the swap is on its way."))

    async def _trade_cancel(self, message: TradeCancel):
        trade = await trading.current(self.user.pk)
        if trade is None:
            raise TradeRefused("no_trade")
        if not await trading.close(trade, unless_closing=True):
            raise TradeRefused("wrong_stage")
        await self._to_traders(trade, trading.closed_frame(trade, "cancelled", f"{self.user.username} cancelled the trade."))

    async def _leave_trade(self):
        """Leaving the room (or being replaced) cancels an open trade; one
        both confirmed goes on (its swap is published)."""
        trade = await trading.current(self.user.pk)
        if trade is not None and await trading.close(trade, unless_closing=True):
            left = trading.closed_frame(trade, "left", f"{self.user.username} left the room; the trade is off.")
            await self._to_traders(trade, left, me_too=False)

    async def _to_traders(self, trade: TradeState, frame: frames.Frame, *, me_too: bool = True):
        for channel in trade.channels:
            if channel == self.channel_name:
                if me_too:
                    await self.send_frame_now(frame)
            else:
                await self.channel_layer.send(channel, room_event(frame))
